-- name: list
SELECT v.id, v.call_sign, v.kind, v.capabilities, v.home_station_id, v.in_service, v.device_id, v.state,
       v.state_changed_at, a.status AS task_status, a.incident_id,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.device_time,
       extract(epoch FROM now() - p.device_time) AS age_seconds
  FROM vehicles v
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
 WHERE ($1::uuid IS NULL OR v.id = $1)
 ORDER BY v.call_sign;

-- name: insert
INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id, in_service, state)
VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN 'available' ELSE 'out_of_service' END)
RETURNING id;

-- name: update
UPDATE vehicles
   SET call_sign = $2, kind = $3, capabilities = $4, home_station_id = $5, in_service = $6,
       state = CASE WHEN state = 'busy' THEN state WHEN $6 THEN
                 CASE WHEN state = 'out_of_service' THEN 'available' ELSE state END
               ELSE 'out_of_service' END,
       state_changed_at = CASE WHEN in_service IS DISTINCT FROM $6 THEN now() ELSE state_changed_at END
 WHERE id = $1
RETURNING id, state;

-- name: isBusy
SELECT 1 FROM assignments WHERE vehicle_id = $1 AND ended_at IS NULL;
