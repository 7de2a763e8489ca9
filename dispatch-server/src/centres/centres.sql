-- name: list
SELECT id, code, name, name_en AS "nameEn" FROM centres ORDER BY code;

-- name: ofVehicle
-- A vehicle belongs to its home station's centre; its live task (one at most) to its incident's.
SELECT s.centre_id, v.call_sign, i.centre_id AS task_centre_id
  FROM vehicles v
  JOIN stations s ON s.id = v.home_station_id
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN incidents i ON i.id = a.incident_id
 WHERE v.id = :vehicleId;

-- name: ofIncident
-- The incident's centre and those of the vehicles helping on it.
SELECT i.centre_id, coalesce(array_agg(DISTINCT a.help_from_centre_id) FILTER (WHERE a.help_from_centre_id IS NOT NULL), '{}') AS helping
  FROM incidents i LEFT JOIN assignments a ON a.incident_id = i.id
 WHERE i.id = :incidentId
 GROUP BY i.centre_id;

-- name: ofHospitals
SELECT DISTINCT centre_id FROM hospitals WHERE id = ANY(:hospitalIds::uuid[]);

-- name: ofAssignment
SELECT i.centre_id, a.help_from_centre_id FROM assignments a JOIN incidents i ON i.id = a.incident_id WHERE a.id = :assignmentId;
