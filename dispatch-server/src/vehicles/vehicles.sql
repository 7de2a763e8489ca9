-- name: list
-- The position's deviceTime is written as toISOString() writes the top-level times (json would write it otherwise);
-- its age is rounded as Math.round rounds, and it is stale past :staleAfterSeconds.
SELECT v.id, v.call_sign AS "callSign", s.centre_id AS "centreId", v.kind, v.capabilities, v.home_station_id AS "homeStationId", v.in_service AS "inService",
       v.out_of_service_reason AS "outOfServiceReason",
       v.device_id AS "deviceId", v.state, v.state_changed_at AS "stateChangedAt", a.status AS "taskStatus",
       a.incident_id AS "incidentId",
       CASE WHEN p.device_time IS NOT NULL THEN json_build_object(
         'lon', ST_X(p.location), 'lat', ST_Y(p.location),
         'deviceTime', to_char(p.device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'ageSeconds', greatest(0, floor(age.s + 0.5)), 'stale', age.s > :staleAfterSeconds) END AS position
  FROM vehicles v
  JOIN stations s ON s.id = v.home_station_id
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN incidents i ON i.id = a.incident_id
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
  CROSS JOIN LATERAL (SELECT extract(epoch FROM now() - p.device_time) AS s) age
 WHERE (:id::uuid IS NULL OR v.id = :id)
   -- A centre's fleet: its own vehicles and, while their task is open, those of other centres helping on its calls.
   AND (:centreId::uuid IS NULL OR s.centre_id = :centreId OR i.centre_id = :centreId)
 ORDER BY v.call_sign;

-- name: insert
-- A reason is kept only while the vehicle is out of service.
INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id, in_service, state, out_of_service_reason)
VALUES (:callSign, :kind, :capabilities, :homeStationId, :inService, CASE WHEN :inService THEN 'available' ELSE 'out_of_service' END,
        CASE WHEN :inService THEN NULL ELSE NULLIF(:outOfServiceReason, '') END)
RETURNING id;

-- name: lock
-- Held until the update commits, so no assignment starts between the busy check and taking it out of service.
SELECT 1 FROM vehicles WHERE id = :id FOR UPDATE;

-- name: update
UPDATE vehicles
   SET call_sign = :callSign, kind = :kind, capabilities = :capabilities, home_station_id = :homeStationId, in_service = :inService,
       out_of_service_reason = CASE WHEN :inService THEN NULL ELSE NULLIF(:outOfServiceReason, '') END,
       state = CASE WHEN state = 'busy' THEN state WHEN :inService THEN
                 CASE WHEN state = 'out_of_service' THEN 'available' ELSE state END
               ELSE 'out_of_service' END,
       state_changed_at = CASE WHEN in_service IS DISTINCT FROM :inService THEN now() ELSE state_changed_at END
 WHERE id = :id
RETURNING id;

-- name: isBusy
SELECT 1 FROM assignments WHERE vehicle_id = :id AND ended_at IS NULL;
