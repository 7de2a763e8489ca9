-- Purpose: inter-facility transfers and two-way referrals (上转 up to a county hospital, 下转 back down): a hospital
-- requests, the receiving hospital accepts or declines, and an accepted transfer enters the dispatch queue as an
-- incident when it is due (at once, or at its scheduled time by a durable timer), holding no vehicle before.

CREATE TABLE transfers (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  from_hospital_id  uuid NOT NULL REFERENCES hospitals (id),
  to_hospital_id    uuid NOT NULL REFERENCES hospitals (id),
  direction         text NOT NULL CHECK (direction IN ('up', 'down')),
  category          text NOT NULL CHECK (category IN (
                      'chest_pain', 'stroke', 'trauma', 'obstetric', 'newborn_transfer', 'fever', 'respiratory', 'poisoning',
                      'paediatric', 'other')),
  priority          smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  patient_summary   text NOT NULL,
  needs             text[] NOT NULL DEFAULT '{}',
  green_channel     boolean NOT NULL DEFAULT false,
  -- NULL: as soon as it is accepted.
  scheduled_at      timestamptz,
  status            text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'accepted', 'declined', 'cancelled')),
  -- Why it was declined or cancelled.
  reason            text,
  requested_by      uuid REFERENCES users (id),
  requested_at      timestamptz NOT NULL DEFAULT now(),
  responded_by      uuid REFERENCES users (id),
  responded_at      timestamptz,
  cancelled_by      uuid REFERENCES users (id),
  cancelled_at      timestamptz,
  -- The incident it became when it was due: set once, so a timer firing twice queues it once.
  incident_id       uuid UNIQUE REFERENCES incidents (id),
  CHECK (from_hospital_id <> to_hospital_id)
);
CREATE INDEX transfers_from ON transfers (from_hospital_id, requested_at DESC);
CREATE INDEX transfers_to ON transfers (to_hospital_id, requested_at DESC);
-- Accepted and not yet in the queue: what the due timers and the dispatcher's "coming" list read.
CREATE INDEX transfers_due ON transfers (scheduled_at) WHERE status = 'accepted' AND incident_id IS NULL;
