-- Purpose: first schema: PostGIS + pgRouting, stations, fleet, hospitals, incidents, assignments, status events, positions, users, audit log.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pgrouting;

-- Every geometry is WGS-84 (EPSG:4326); display-side conversion to GCJ-02 happens in the console only.

CREATE TABLE stations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_en     text,
  kind        text NOT NULL CHECK (kind IN ('centre', 'substation')),
  address     text,
  location    geometry(Point, 4326) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stations_location_gist ON stations USING gist (location);

CREATE TABLE hospitals (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code                text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_en             text,
  kind                text NOT NULL CHECK (kind IN ('general', 'tcm', 'private', 'township', 'village_clinic')),
  capabilities        text[] NOT NULL DEFAULT '{}',
  address             text,
  phone               text,
  location            geometry(Point, 4326) NOT NULL,
  load_status         text NOT NULL DEFAULT 'blue' CHECK (load_status IN ('blue', 'yellow', 'red', 'closed')),
  load_status_set_by  uuid,
  load_status_set_at  timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hospitals_location_gist ON hospitals USING gist (location);
CREATE INDEX hospitals_capabilities_gin ON hospitals USING gin (capabilities);

CREATE TABLE vehicles (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  call_sign         text NOT NULL UNIQUE CHECK (length(call_sign) BETWEEN 1 AND 32),
  kind              text NOT NULL CHECK (kind IN ('negative_pressure_ambulance', 'neonatal_transfer', 'mobile_ct', 'multipurpose')),
  capabilities      text[] NOT NULL DEFAULT '{}',
  home_station_id   uuid NOT NULL REFERENCES stations (id),
  in_service        boolean NOT NULL DEFAULT true,
  -- Identifier a GPS device or OsmAnd/Traccar client reports; bound by an admin.
  device_id         text UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicles_capabilities_gin ON vehicles USING gin (capabilities);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{2,64}$'),
  display_name   text NOT NULL,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('dispatcher', 'supervisor', 'crew', 'hospital', 'admin')),
  vehicle_id     uuid REFERENCES vehicles (id),
  hospital_id    uuid REFERENCES hospitals (id),
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- A crew login is bound to exactly one vehicle, a hospital login to exactly one hospital.
  CHECK ((role = 'crew') = (vehicle_id IS NOT NULL)),
  CHECK ((role = 'hospital') = (hospital_id IS NOT NULL))
);
ALTER TABLE hospitals ADD CONSTRAINT hospitals_load_status_set_by_fk FOREIGN KEY (load_status_set_by) REFERENCES users (id);

CREATE TABLE incidents (
  id                              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number                          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  idempotency_key                 text UNIQUE,
  status                          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'queued', 'assigned', 'closed', 'cancelled')),
  category                        text NOT NULL,
  priority                        smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  location                        geometry(Point, 4326) NOT NULL,
  address                         text,
  caller_phone                    text,
  patient_summary                 text,
  priority_groups                 text[] NOT NULL DEFAULT '{}',
  required_vehicle_capabilities   text[] NOT NULL DEFAULT '{}',
  required_hospital_capabilities  text[] NOT NULL DEFAULT '{}',
  responsible_station_id          uuid REFERENCES stations (id),
  destination_hospital_id         uuid REFERENCES hospitals (id),
  call_received_at                timestamptz NOT NULL,
  created_by                      uuid REFERENCES users (id),
  created_at                      timestamptz NOT NULL DEFAULT now(),
  closed_at                       timestamptz
);
CREATE INDEX incidents_location_gist ON incidents USING gist (location);
CREATE INDEX incidents_open ON incidents (priority, call_received_at) WHERE status IN ('open', 'queued', 'assigned');

CREATE TABLE assignments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id        uuid NOT NULL REFERENCES incidents (id),
  vehicle_id         uuid NOT NULL REFERENCES vehicles (id),
  status             text NOT NULL DEFAULT 'dispatched',
  assigned_by        uuid REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  -- Set when the vehicle is released: back in service, cancelled, or re-offered after a missed acknowledgement.
  ended_at           timestamptz,
  end_reason         text
);
-- The database, not the code, guarantees a vehicle is never on two incidents at once.
CREATE UNIQUE INDEX assignments_one_active_per_vehicle ON assignments (vehicle_id) WHERE ended_at IS NULL;
CREATE INDEX assignments_incident ON assignments (incident_id);

-- The record of the lifecycle. Device time is what the crew's tablet saw; receive time is when it reached us.
-- History is ordered by device time and never rewritten; the id is the client's event id, so replays are idempotent.
CREATE TABLE status_events (
  id             uuid PRIMARY KEY,
  incident_id    uuid NOT NULL REFERENCES incidents (id),
  assignment_id  uuid REFERENCES assignments (id),
  vehicle_id     uuid REFERENCES vehicles (id),
  status         text NOT NULL,
  device_time    timestamptz NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  actor_user_id  uuid REFERENCES users (id),
  source         text NOT NULL CHECK (source IN ('console', 'tablet', 'agent', 'simulator', 'system')),
  location       geometry(Point, 4326),
  note           text
);
CREATE INDEX status_events_incident ON status_events (incident_id, device_time);
CREATE INDEX status_events_assignment ON status_events (assignment_id, device_time);

-- The latest position of each vehicle, apart from history so the hot queries never scan history.
CREATE TABLE vehicle_positions_latest (
  vehicle_id   uuid PRIMARY KEY REFERENCES vehicles (id),
  location     geometry(Point, 4326) NOT NULL,
  speed_mps    real,
  heading_deg  real,
  accuracy_m   real,
  device_time  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  source       text NOT NULL
);
CREATE INDEX vehicle_positions_latest_gist ON vehicle_positions_latest USING gist (location);

-- Position history, partitioned by month of device time so a year at 200 positions/s stays cheap to write
-- and old months can be detached. The default partition catches anything before a month exists.
CREATE TABLE vehicle_positions (
  vehicle_id   uuid NOT NULL,
  location     geometry(Point, 4326) NOT NULL,
  speed_mps    real,
  heading_deg  real,
  accuracy_m   real,
  device_time  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  source       text NOT NULL
) PARTITION BY RANGE (device_time);
CREATE TABLE vehicle_positions_default PARTITION OF vehicle_positions DEFAULT;
CREATE INDEX vehicle_positions_vehicle_time ON vehicle_positions (vehicle_id, device_time);

-- Creates the monthly partitions from `from_month` for `months` months; safe to call again.
CREATE FUNCTION ensure_position_partitions(from_month date, months integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  month_start date;
  partition_name text;
BEGIN
  FOR i IN 0 .. months - 1 LOOP
    month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
    partition_name := format('vehicle_positions_%s', to_char(month_start, 'YYYY_MM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF vehicle_positions FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, (month_start + interval '1 month')::date);
    END IF;
  END LOOP;
END $$;
SELECT ensure_position_partitions((now() - interval '1 month')::date, 3);

-- Who did what, when and from where. Append-only: the trigger refuses updates and deletes.
CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  actor_user_id   uuid REFERENCES users (id),
  actor_username  text,
  actor_role      text,
  action          text NOT NULL,
  entity_type     text,
  entity_id       text,
  details         jsonb NOT NULL DEFAULT '{}',
  remote_addr     text
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
