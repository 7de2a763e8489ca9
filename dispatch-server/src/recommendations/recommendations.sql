-- name: timedOutVehicles
-- Vehicles that let this incident time out once are not offered it again automatically.
SELECT DISTINCT vehicle_id FROM assignments WHERE incident_id = :incidentId AND status = 'timed_out';
