-- name: liveOfAssignment
SELECT id, hospital_id FROM hospital_notices
 WHERE assignment_id = :assignmentId AND status IN ('sent', 'acknowledged', 'escalated') FOR UPDATE;

-- name: insert
INSERT INTO hospital_notices (incident_id, assignment_id, hospital_id, sent_by, eta_at, eta_updated_at)
VALUES (:incidentId, :assignmentId, :hospitalId, :userId, :etaAt, CASE WHEN :etaAt::timestamptz IS NULL THEN NULL ELSE now() END)
RETURNING id;

-- name: closeLiveOfAssignment
UPDATE hospital_notices SET status = :status
 WHERE assignment_id = :assignmentId AND status IN ('sent', 'acknowledged', 'escalated')
RETURNING id, incident_id;

-- name: incidentsOf
SELECT DISTINCT incident_id FROM hospital_notices WHERE id = ANY(:ids::uuid[]);

-- name: setStatus
UPDATE hospital_notices SET status = :status,
       acknowledged_at = CASE WHEN :status = 'acknowledged' THEN now() ELSE acknowledged_at END,
       acknowledged_by = CASE WHEN :status = 'acknowledged' THEN :userId ELSE acknowledged_by END,
       escalated_at = CASE WHEN :status = 'escalated' THEN now() ELSE escalated_at END
 WHERE id = :id;

-- name: lock
SELECT incident_id, hospital_id, status FROM hospital_notices WHERE id = :id FOR UPDATE;

-- name: centres
-- The centres a notice's incident is of (the policy's resource): its own and those whose vehicles help on it.
SELECT array_remove(array_agg(DISTINCT a.help_from_centre_id) || i.centre_id, NULL) AS centres
  FROM hospital_notices n JOIN incidents i ON i.id = n.incident_id LEFT JOIN assignments a ON a.incident_id = i.id
 WHERE n.id = :id
 GROUP BY i.centre_id;

-- name: present
-- Minimised for the hospital: no caller phone, no address; the summary and the priority flags only.
SELECT n.id, n.incident_id AS "incidentId", i.number AS "incidentNumber", n.hospital_id AS "hospitalId", n.status, i.category,
       i.priority, i.patient_summary AS "patientSummary", i.priority_groups AS "priorityGroups", v.call_sign AS "vehicleCallSign",
       n.eta_at AS "etaAt", n.sent_at AS "sentAt", n.acknowledged_at AS "acknowledgedAt"
  FROM hospital_notices n
  JOIN incidents i ON i.id = n.incident_id
  JOIN assignments a ON a.id = n.assignment_id
  JOIN vehicles v ON v.id = a.vehicle_id
 WHERE n.id = ANY(:ids::uuid[])
 ORDER BY n.sent_at DESC;

-- name: listIds
-- A hospital's own; a centre's staff those of its centre's incidents and of those its vehicles help on (the notices
-- its consoles are told of, staffRoomsOfIncident); every one for the province.
SELECT n.id FROM hospital_notices n JOIN incidents i ON i.id = n.incident_id
 WHERE (:hospitalId::uuid IS NULL OR n.hospital_id = :hospitalId)
   AND (:centreId::uuid IS NULL OR i.centre_id = :centreId
        OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = n.incident_id AND a.help_from_centre_id = :centreId))
   AND (n.status IN ('sent', 'acknowledged', 'escalated') OR n.sent_at > now() - interval '12 hours')
 ORDER BY n.sent_at DESC
 LIMIT 200;

-- name: liveWithPositions
-- Live notices with where their vehicle is now, for the ETA refresh.
SELECT n.id, n.hospital_id, n.eta_at, ST_X(h.location) AS h_lon, ST_Y(h.location) AS h_lat,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat
  FROM hospital_notices n
  JOIN assignments a ON a.id = n.assignment_id
  JOIN hospitals h ON h.id = n.hospital_id
  JOIN vehicle_positions_latest p ON p.vehicle_id = a.vehicle_id
 WHERE n.status IN ('sent', 'acknowledged', 'escalated');

-- name: setEta
UPDATE hospital_notices SET eta_at = :etaAt, eta_updated_at = now() WHERE id = :id;

-- name: fhirSource
SELECT n.id, n.sent_at, n.eta_at, i.id AS incident_id, i.number, i.category, i.priority, i.patient_summary,
       i.priority_groups, h.name AS hospital_name, h.code AS hospital_code, v.id AS vehicle_id, v.call_sign, a.vitals,
       -- Where the vehicle is, only while the patient is on the way: a hospital does not track the fleet.
       CASE WHEN n.status IN ('sent', 'acknowledged', 'escalated') THEN ST_X(p.location) END AS lon,
       CASE WHEN n.status IN ('sent', 'acknowledged', 'escalated') THEN ST_Y(p.location) END AS lat
  FROM hospital_notices n
  JOIN incidents i ON i.id = n.incident_id
  JOIN hospitals h ON h.id = n.hospital_id
  JOIN assignments a ON a.id = n.assignment_id
  JOIN vehicles v ON v.id = a.vehicle_id
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
 WHERE n.id = :id;
