-- Purpose: dispatch core: gazetteer, crews and shifts, hospital notices, task timestamps on assignments, load-status history.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Place names a dispatcher can type instead of clicking the map: towns, villages, landmarks.
CREATE TABLE places (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name      text NOT NULL,
  name_en   text,
  kind      text NOT NULL,
  location  geometry(Point, 4326) NOT NULL,
  synthetic boolean NOT NULL DEFAULT false,
  UNIQUE (name, kind)
);
CREATE INDEX places_location_gist ON places USING gist (location);
CREATE INDEX places_name_trgm ON places USING gin (name gin_trgm_ops);
CREATE INDEX places_name_en_trgm ON places USING gin (lower(name_en) gin_trgm_ops);

CREATE TABLE crew_members (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  crew_role   text NOT NULL CHECK (crew_role IN ('doctor', 'nurse', 'driver', 'stretcher_bearer')),
  phone       text,
  station_id  uuid REFERENCES stations (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Who staffs which vehicle when. Overlapping shifts of one vehicle are refused by the database.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE shifts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vehicle_id  uuid NOT NULL REFERENCES vehicles (id),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  member_ids  uuid[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  EXCLUDE USING gist (vehicle_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
);

-- The task timestamps of one vehicle on one incident (the record; status_events keeps every report).
-- The first report of a step wins; a replayed or late report never moves a timestamp.
ALTER TABLE assignments
  ADD COLUMN dispatched_at       timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN acknowledged_at     timestamptz,
  ADD COLUMN en_route_at         timestamptz,
  ADD COLUMN on_scene_at         timestamptz,
  ADD COLUMN at_patient_at       timestamptz,
  ADD COLUMN transporting_at     timestamptz,
  ADD COLUMN at_hospital_at      timestamptz,
  ADD COLUMN handover_at         timestamptz,
  ADD COLUMN back_in_service_at  timestamptz,
  ADD COLUMN back_at_base_at     timestamptz,
  ADD COLUMN cancelled_at        timestamptz,
  ADD COLUMN destination_hospital_id uuid REFERENCES hospitals (id),
  ADD COLUMN route_eta_s         double precision,
  ADD COLUMN route_distance_m    double precision,
  -- Latest vital signs the crew measured, sent on with the hospital notice (FHIR Observations).
  ADD COLUMN vitals              jsonb,
  ADD COLUMN vitals_measured_at  timestamptz;
ALTER TABLE assignments ADD CONSTRAINT assignments_status_known CHECK (status IN (
  'dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting', 'at_hospital', 'handover',
  'back_in_service', 'back_at_base', 'cancelled', 'timed_out'));
ALTER TABLE status_events ADD CONSTRAINT status_events_status_known CHECK (status IN (
  'call_received', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting', 'at_hospital',
  'handover', 'back_in_service', 'back_at_base', 'cancelled', 'timed_out', 'closed'));
-- At most one assignment of an incident is live at a time is NOT enforced: big incidents take several vehicles.

ALTER TABLE incidents
  ADD COLUMN place_id uuid REFERENCES places (id),
  ADD COLUMN cancelled_reason text;
ALTER TABLE incidents ADD CONSTRAINT incidents_category_known CHECK (category IN (
  'chest_pain', 'stroke', 'trauma', 'obstetric', 'newborn_transfer', 'fever', 'respiratory', 'poisoning',
  'paediatric', 'other'));

-- Where the vehicle is in its lifecycle, kept with the vehicle so the fleet board is one query.
ALTER TABLE vehicles
  ADD COLUMN state text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'busy', 'returning', 'out_of_service')),
  ADD COLUMN state_changed_at timestamptz NOT NULL DEFAULT now();

-- Incoming-patient notice (来院预告) to the destination hospital.
CREATE TABLE hospital_notices (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id       uuid NOT NULL REFERENCES incidents (id),
  assignment_id     uuid NOT NULL REFERENCES assignments (id),
  hospital_id       uuid NOT NULL REFERENCES hospitals (id),
  status            text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'acknowledged', 'escalated', 'cancelled', 'arrived')),
  sent_at           timestamptz NOT NULL DEFAULT now(),
  sent_by           uuid REFERENCES users (id),
  acknowledged_at   timestamptz,
  acknowledged_by   uuid REFERENCES users (id),
  escalated_at      timestamptz,
  eta_at            timestamptz,
  eta_updated_at    timestamptz
);
-- One live notice per assignment: a changed destination cancels the old notice first.
CREATE UNIQUE INDEX hospital_notices_one_live ON hospital_notices (assignment_id) WHERE status IN ('sent', 'acknowledged', 'escalated');
CREATE INDEX hospital_notices_hospital ON hospital_notices (hospital_id, sent_at);

-- Every change of a hospital's load status, who set it and when.
CREATE TABLE hospital_load_history (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hospital_id  uuid NOT NULL REFERENCES hospitals (id),
  load_status  text NOT NULL CHECK (load_status IN ('blue', 'yellow', 'red', 'closed')),
  set_by       uuid REFERENCES users (id),
  set_at       timestamptz NOT NULL DEFAULT now(),
  note         text
);
