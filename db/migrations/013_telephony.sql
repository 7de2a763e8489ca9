-- Purpose: the centre's phone system (CTI): calls as the PBX reports them, the login it reports with, and calls linked to incidents.

-- The phone system reports with a login of its own role: it may report calls and nothing else.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('dispatcher', 'supervisor', 'crew', 'hospital', 'admin', 'telephony'));

-- One row per call the PBX names (its own call id). Every time is the first one reported and is never moved or cleared,
-- so a replayed or late event cannot take a call back from answered to ringing.
-- One number however it was written: digits only, without the country code (+86 139…, 0086 139…, 139-… are one caller).
CREATE FUNCTION phone_key(phone text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  nullif(regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(00)?86(?=[0-9]{11}$)', ''), '');

CREATE TABLE phone_calls (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pbx_call_id        text NOT NULL UNIQUE,
  line_id            text NOT NULL,
  -- NULL: the number was withheld.
  caller_phone       text,
  ringing_at         timestamptz,
  answered_at        timestamptz,
  ended_at           timestamptz,
  -- Where the network says the caller is: a point with an uncertainty radius, and what measured it.
  location           geometry(Point, 4326),
  location_radius_m  real CHECK (location_radius_m IS NULL OR location_radius_m > 0),
  location_source    text CHECK (location_source IN ('aml_gnss', 'aml_wifi', 'aml_cell', 'aml', 'carrier_cell')),
  location_at        timestamptz,
  -- AML's level of confidence (per cent) that the caller is within the radius.
  location_confidence smallint CHECK (location_confidence BETWEEN 0 AND 100),
  -- The PBX's reference of the recording (a file name or URL of its own); never fetched by this server.
  recording_ref      text,
  -- The incident the call became ('created') or was added to as a follow-up ('follow_up'); set once.
  incident_id        uuid REFERENCES incidents (id),
  incident_link      text CHECK (incident_link IN ('created', 'follow_up')),
  linked_by          uuid REFERENCES users (id),
  linked_at          timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((incident_id IS NULL) = (incident_link IS NULL)),
  CHECK ((location IS NULL) = (location_source IS NULL))
);
CREATE INDEX phone_calls_location_gist ON phone_calls USING gist (location);
CREATE INDEX phone_calls_phone_key ON phone_calls (phone_key(caller_phone));
CREATE INDEX phone_calls_incident ON phone_calls (incident_id);
CREATE INDEX phone_calls_recent ON phone_calls (created_at);

-- The caller's history and "same number" read incidents and calls by that key.
CREATE INDEX incidents_phone_key ON incidents (phone_key(caller_phone), call_received_at) WHERE caller_phone IS NOT NULL;

-- A timeline entry made by a call (the call received, a follow-up call 催车 / 重复来电) keeps its number and the phone
-- system's call when it came through it: the timeline shows who called.
ALTER TABLE status_events ADD COLUMN caller_phone text;
ALTER TABLE status_events DROP CONSTRAINT status_events_status_known;
ALTER TABLE status_events ADD CONSTRAINT status_events_status_known CHECK (status IN (
  'call_received', 'call_follow_up', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting',
  'at_hospital', 'handover', 'back_in_service', 'back_at_base', 'cancelled', 'timed_out', 'closed'));
ALTER TABLE status_events ADD COLUMN phone_call_id uuid REFERENCES phone_calls (id);
