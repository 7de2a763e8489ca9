-- name: vehicles
SELECT v.id, v.call_sign, v.kind, v.capabilities, v.in_service, v.state,
       a.status AS task_status, i.number AS task_incident_number,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat, extract(epoch FROM now() - p.device_time) AS age_seconds,
       ST_X(s.location) AS station_lon, ST_Y(s.location) AS station_lat
  FROM vehicles v
  JOIN stations s ON s.id = v.home_station_id
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN incidents i ON i.id = a.incident_id
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id;

-- name: stations
SELECT id, code, name, ST_X(location) AS lon, ST_Y(location) AS lat FROM stations;

-- name: hospitals
SELECT id, name, capabilities, load_status, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM hospitals WHERE capabilities @> :capabilities::text[];

-- name: timedOutVehicles
-- Vehicles that let this incident time out once are not offered it again automatically.
SELECT DISTINCT vehicle_id FROM assignments WHERE incident_id = :incidentId AND status = 'timed_out';
