-- name: lockVehicle
SELECT id, call_sign, in_service, capabilities FROM vehicles WHERE id = $1 FOR UPDATE;

-- name: insert
INSERT INTO assignments (incident_id, vehicle_id, status, assigned_by, destination_hospital_id)
VALUES ($1, $2, 'dispatched', $3, $4)
RETURNING id, dispatched_at;

-- name: liveOfVehicle
SELECT a.incident_id, i.number FROM assignments a JOIN incidents i ON i.id = a.incident_id
 WHERE a.vehicle_id = $1 AND a.ended_at IS NULL;

-- name: setVehicleState
-- A vehicle taken out of service meanwhile stays out of service whatever its last task did.
UPDATE vehicles SET state = CASE WHEN in_service THEN $2 ELSE 'out_of_service' END, state_changed_at = now()
 WHERE id = $1 AND state IS DISTINCT FROM (CASE WHEN in_service THEN $2 ELSE 'out_of_service' END);

-- name: get
SELECT a.*, v.call_sign FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.id = $1;

-- name: lock
SELECT a.*, v.call_sign FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.id = $1 FOR UPDATE OF a;

-- name: setRoute
UPDATE assignments SET route_eta_s = $2, route_distance_m = $3 WHERE id = $1;

-- name: liveOfIncident
SELECT a.id, a.vehicle_id FROM assignments a WHERE a.incident_id = $1 AND a.ended_at IS NULL;

-- name: latestOfVehicle
SELECT a.id FROM assignments a WHERE a.vehicle_id = $1 ORDER BY a.created_at DESC LIMIT 1;

-- name: vehicleAndIncident
SELECT ST_X(p.location) AS lon, ST_Y(p.location) AS lat, extract(epoch FROM now() - p.device_time) AS age_seconds,
       ST_X(s.location) AS station_lon, ST_Y(s.location) AS station_lat
  FROM vehicles v JOIN stations s ON s.id = v.home_station_id
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
 WHERE v.id = $1;

-- name: hospitalBrief
SELECT id, name, load_status, ST_X(location) AS lon, ST_Y(location) AS lat FROM hospitals WHERE id = $1;

-- name: setDestination
UPDATE assignments SET destination_hospital_id = $2 WHERE id = $1;
