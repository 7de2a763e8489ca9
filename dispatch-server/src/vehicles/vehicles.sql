-- name: list
SELECT v.id, v.call_sign, v.kind, v.capabilities, v.home_station_id, v.in_service, v.device_id, v.state,
       v.state_changed_at, a.status AS task_status, a.incident_id,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.device_time,
       extract(epoch FROM now() - p.device_time) AS age_seconds
  FROM vehicles v
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
 WHERE (:id::uuid IS NULL OR v.id = :id)
 ORDER BY v.call_sign;

-- name: insert
INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id, in_service, state)
VALUES (:callSign, :kind, :capabilities, :homeStationId, :inService, CASE WHEN :inService THEN 'available' ELSE 'out_of_service' END)
RETURNING id;

-- name: lock
-- Held until the update commits, so no assignment starts between the busy check and taking it out of service.
SELECT 1 FROM vehicles WHERE id = :id FOR UPDATE;

-- name: update
UPDATE vehicles
   SET call_sign = :callSign, kind = :kind, capabilities = :capabilities, home_station_id = :homeStationId, in_service = :inService,
       state = CASE WHEN state = 'busy' THEN state WHEN :inService THEN
                 CASE WHEN state = 'out_of_service' THEN 'available' ELSE state END
               ELSE 'out_of_service' END,
       state_changed_at = CASE WHEN in_service IS DISTINCT FROM :inService THEN now() ELSE state_changed_at END
 WHERE id = :id
RETURNING id;

-- name: isBusy
SELECT 1 FROM assignments WHERE vehicle_id = :id AND ended_at IS NULL;
