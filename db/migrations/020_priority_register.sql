-- Purpose: the priority-group register (重点人群): residents imported from the health-record system (公卫) with their
-- priority groups, five-colour record flags and family-doctor team; the incidents they were matched to at intake; and
-- the follow-up notices their family-doctor team receives after the incident is closed.

-- An address however it was typed: NFKC (full-width digits and letters as ASCII), lower case, without spaces or
-- punctuation (ASCII or Chinese), so "城区 顺城街 12 号" and "城区顺城街12号" are one address. Exact match only:
-- a fuzzy match would show a stranger's record flags to the dispatcher.
CREATE FUNCTION address_key(address text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  nullif(lower(regexp_replace(normalize(address, NFKC), '[[:space:][:punct:]，。、；：（）【】“”‘’《》—·]', '', 'g')), '');

CREATE TABLE register_residents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The health-record system's own id (健康档案编号, a FHIR Patient's id): a re-import updates the record by it.
  record_id    text NOT NULL UNIQUE CHECK (record_id <> ''),
  source       text NOT NULL CHECK (source IN ('csv', 'fhir', 'demo')),
  name         text NOT NULL,
  birth_date   date,
  phone        text,
  address      text,
  -- Declared groups; 65+ and under-7 are also derived from the birth date when the record is read.
  groups       text[] NOT NULL DEFAULT '{}' CHECK (groups <@ ARRAY['elderly', 'pregnant', 'child', 'disabled', 'chronic', 'mental_illness']),
  flags        text[] NOT NULL DEFAULT '{}' CHECK (flags <@ ARRAY['red', 'orange', 'yellow', 'blue', 'green']),
  team_name    text,
  team_phone   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_residents_phone_key ON register_residents (phone_key(phone)) WHERE phone IS NOT NULL;
CREATE INDEX register_residents_address_key ON register_residents (address_key(address)) WHERE address IS NOT NULL;

-- A resident matched to an incident at intake, by the caller's number and/or the address (what matched is kept).
CREATE TABLE register_incident_links (
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  resident_id  uuid NOT NULL REFERENCES register_residents (id) ON DELETE CASCADE,
  matched_by   text[] NOT NULL CHECK (matched_by <@ ARRAY['phone', 'address'] AND cardinality(matched_by) > 0),
  linked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, resident_id)
);
CREATE INDEX register_incident_links_resident ON register_incident_links (resident_id);

-- The notice to a resident's family-doctor team after the incident: an outbox row the team's system polls (there is
-- no SMS gateway here) and acknowledges, which marks it sent. One per incident and resident.
CREATE TABLE register_follow_ups (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  resident_id  uuid NOT NULL REFERENCES register_residents (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  sent_by      uuid REFERENCES users (id),
  UNIQUE (incident_id, resident_id),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX register_follow_ups_pending ON register_follow_ups (created_at) WHERE status = 'pending';

-- Written in the transaction that closes the incident, whichever command closes it (the dispatcher's close, the last
-- task's handover, a transfer's end): no closing path can forget the family doctor.
CREATE FUNCTION register_follow_up_on_close() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO register_follow_ups (incident_id, resident_id)
  SELECT incident_id, resident_id FROM register_incident_links WHERE incident_id = NEW.id
  ON CONFLICT (incident_id, resident_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_register_follow_up AFTER UPDATE OF status ON incidents
  FOR EACH ROW WHEN (NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed')
  EXECUTE FUNCTION register_follow_up_on_close();
