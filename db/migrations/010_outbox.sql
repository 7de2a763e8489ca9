-- Purpose: a transactional outbox: what must follow a committed change (pushes to consoles, crews and hospitals, timers, the automatic re-offer), written in the same transaction and delivered at least once, in order per incident.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  -- Effects of one subject (an incident) are delivered one after another, in the order they were written.
  subject       text NOT NULL,
  effect        text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- Not before this (a failed delivery backs off).
  available_at  timestamptz NOT NULL DEFAULT now(),
  -- A delivery in progress; a process that died holding it lets it go when this passes.
  claimed_until timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  -- The error code (never its message: messages can quote personal data) of the last failed delivery.
  last_error    text,
  -- Given up after many attempts: kept for the record, no longer blocking its subject.
  dead_at       timestamptz
);
CREATE INDEX outbox_pending ON outbox (subject, id) WHERE dead_at IS NULL;
