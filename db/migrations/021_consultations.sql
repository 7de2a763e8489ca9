-- Purpose: the consultation channel of a patient (远程会诊) between the crew of a task, the receiving hospital's doctor and the dispatchers: text, the vital-sign series, photos and documents, kept with the incident.
-- One channel per task (assignment): its receiving hospital is the task's destination at the time of reading, so a
-- change of destination hands the thread to the new hospital (dispatch-server/src/consultations/consultations.ts).
CREATE TABLE consultation_entries (
  -- The sender's own id: a retried request (or a tablet's replay) stores the entry once.
  id               uuid PRIMARY KEY,
  incident_id      uuid NOT NULL REFERENCES incidents (id),
  assignment_id    uuid NOT NULL REFERENCES assignments (id),
  author_user_id   uuid REFERENCES users (id),
  -- Which party wrote it: the crew, the receiving hospital or the dispatch centre.
  side             text NOT NULL CHECK (side IN ('crew', 'hospital', 'dispatch')),
  -- The hospital a hospital-side entry came from (the receiving one when it was written).
  hospital_id      uuid REFERENCES hospitals (id),
  kind             text NOT NULL CHECK (kind IN ('text', 'vitals', 'attachment')),
  -- A message, an answer, or an attachment's caption.
  body             text CHECK (char_length(body) BETWEEN 1 AND 1000),
  -- The entry a doctor's answer replies to.
  reply_to         uuid REFERENCES consultation_entries (id),
  -- One measurement of the series (the protocol's Vitals) and when it was taken.
  vitals           jsonb,
  measured_at      timestamptz,
  device_time      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((side = 'hospital') = (hospital_id IS NOT NULL)),
  CHECK (kind <> 'text' OR body IS NOT NULL),
  CHECK ((kind = 'vitals') = (vitals IS NOT NULL AND measured_at IS NOT NULL))
);
CREATE INDEX consultation_entries_assignment ON consultation_entries (assignment_id, received_at);
CREATE INDEX consultation_entries_incident ON consultation_entries (incident_id, received_at);
-- A measurement recorded twice (a retried PUT of the same reading) is one point of the series.
CREATE UNIQUE INDEX consultation_vitals_once ON consultation_entries (assignment_id, measured_at) WHERE kind = 'vitals';

-- The file of an attachment entry, in the database rather than a folder: it is clinical record kept with the
-- incident, written in the entry's transaction (no file without its row or row without its file), shared by every
-- server process behind the balancer, and backed up and retained with the rest; at most a few MB, TOASTed out of line.
CREATE TABLE consultation_attachments (
  entry_id    uuid PRIMARY KEY REFERENCES consultation_entries (id),
  -- Checked against the file's first bytes, never only the declared type.
  media_type  text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  byte_size   integer NOT NULL CHECK (byte_size > 0),
  -- SHA-1 of the content, base64 (FHIR Attachment.hash).
  sha1        text NOT NULL,
  -- The name the sender gave, shown as text only; downloads are named from the entry id.
  file_name   text CHECK (char_length(file_name) BETWEEN 1 AND 200),
  content     bytea NOT NULL
);
