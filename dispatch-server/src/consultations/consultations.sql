-- name: task
-- The task a consultation belongs to, with its receiving hospital now: the task's destination (or the incident's
-- planned one, as the notice takes it).
SELECT a.id, a.incident_id, a.vehicle_id, a.status, a.ended_at, i.number, v.call_sign,
       coalesce(a.destination_hospital_id, i.destination_hospital_id) AS hospital_id, h.name AS hospital_name,
       i.centre_id, a.help_from_centre_id
  FROM assignments a
  JOIN incidents i ON i.id = a.incident_id
  JOIN vehicles v ON v.id = a.vehicle_id
  LEFT JOIN hospitals h ON h.id = coalesce(a.destination_hospital_id, i.destination_hospital_id)
 WHERE a.id = :id;

-- name: taskOfNotice
SELECT assignment_id FROM hospital_notices WHERE id = :id;

-- name: taskOfEntry
SELECT assignment_id FROM consultation_entries WHERE id = :id;

-- name: insert
-- A replay of the same id stores nothing (the caller reads the stored one).
INSERT INTO consultation_entries (id, incident_id, assignment_id, author_user_id, side, hospital_id, kind, body, reply_to, vitals, measured_at, device_time)
VALUES (:id, :incidentId, :assignmentId, :userId, :side, :hospitalId, :kind, :body, :replyTo, :vitals, :measuredAt, :deviceTime)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: insertFile
INSERT INTO consultation_attachments (entry_id, media_type, byte_size, sha1, file_name, content)
VALUES (:entryId, :mediaType, :byteSize, :sha1, :fileName, :content);

-- name: list
-- As the clients receive them, oldest first: the author by display name, the file by its size and type (never its bytes).
SELECT e.id, e.incident_id AS "incidentId", e.assignment_id AS "assignmentId", e.side,
       coalesce(nullif(u.display_name, ''), u.username) AS author, h.name AS "hospitalName", e.kind, e.body AS text,
       e.reply_to AS "replyTo", e.vitals, e.device_time AS "deviceTime", e.received_at AS "receivedAt",
       CASE WHEN f.entry_id IS NULL THEN NULL
            ELSE json_build_object('mediaType', f.media_type, 'byteSize', f.byte_size, 'fileName', f.file_name,
                                   'url', '/api/consultation-attachments/' || e.id) END AS attachment
  FROM consultation_entries e
  LEFT JOIN users u ON u.id = e.author_user_id
  LEFT JOIN hospitals h ON h.id = e.hospital_id
  LEFT JOIN consultation_attachments f ON f.entry_id = e.id
 WHERE (:assignmentId::uuid IS NULL OR e.assignment_id = :assignmentId::uuid) AND (:id::uuid IS NULL OR e.id = :id::uuid)
 ORDER BY e.received_at, e.id;

-- name: file
SELECT media_type, byte_size, content FROM consultation_attachments WHERE entry_id = :id;

-- name: ofNotice
-- What a notice's FHIR bundle carries of the consultation: every entry of its task, with the file's hash.
SELECT e.id, e.side, e.kind, e.body, e.reply_to, e.vitals, e.measured_at, e.device_time,
       coalesce(nullif(u.display_name, ''), u.username) AS author, h.name AS hospital_name,
       f.media_type, f.byte_size, f.sha1, f.file_name
  FROM hospital_notices n
  JOIN consultation_entries e ON e.assignment_id = n.assignment_id
  LEFT JOIN users u ON u.id = e.author_user_id
  LEFT JOIN hospitals h ON h.id = e.hospital_id
  LEFT JOIN consultation_attachments f ON f.entry_id = e.id
 WHERE n.id = :noticeId
 ORDER BY e.received_at, e.id;
