-- Purpose: move-up (issue 13): a free vehicle sent to stand by at a station, with its state; not an incident.

-- A reposition is not a task: the vehicle stays `available` (dispatchable) while it drives to the post, and a
-- dispatch to a call ends the reposition (cancelled). The last one that arrived is the vehicle's post for the
-- next coverage figure and move-up suggestion when its position is stale, until its next task.
CREATE TABLE repositions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vehicle_id      uuid NOT NULL REFERENCES vehicles (id),
  station_id      uuid NOT NULL REFERENCES stations (id),
  state           text NOT NULL DEFAULT 'offered' CHECK (state IN ('offered', 'accepted', 'arrived', 'cancelled')),
  -- The route from where the vehicle was when it was sent (RouteDto), null when no road route was found.
  route           jsonb,
  -- DMEXCLP's expected covered demand before and after, as the dispatcher was shown it (null: sent by hand).
  expected_before double precision,
  expected_after  double precision,
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  CHECK ((ended_at IS NULL) = (state IN ('offered', 'accepted')))
);
-- At most one open reposition per vehicle.
CREATE UNIQUE INDEX repositions_one_open_per_vehicle ON repositions (vehicle_id) WHERE ended_at IS NULL;
CREATE INDEX repositions_vehicle_created ON repositions (vehicle_id, created_at DESC);
