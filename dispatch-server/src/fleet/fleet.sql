-- name: vehicles
-- Each vehicle (all of them when :ids is null) with its live task, as the ranking reads it, and the centre of that
-- task's incident (another centre's when the vehicle helps there: the position fan-out tells that centre too).
SELECT v.id, v.call_sign, v.kind, v.capabilities, v.in_service, v.state, v.home_station_id,
       a.status AS task_status, i.number AS task_incident_number, i.centre_id AS task_centre_id
  FROM vehicles v
  LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
  LEFT JOIN incidents i ON i.id = a.incident_id
 WHERE :ids::uuid[] IS NULL OR v.id = ANY(:ids::uuid[]);

-- name: positions
-- The latest fix of each vehicle, its device time in epoch milliseconds (sub-millisecond kept).
SELECT vehicle_id, ST_X(location) AS lon, ST_Y(location) AS lat, extract(epoch FROM device_time) * 1000 AS device_ms
  FROM vehicle_positions_latest
 WHERE :ids::uuid[] IS NULL OR vehicle_id = ANY(:ids::uuid[]);

-- name: stations
SELECT id, code, name, centre_id, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM stations
 WHERE :ids::uuid[] IS NULL OR id = ANY(:ids::uuid[]);

-- name: hospitals
SELECT id, name, capabilities, load_status, centre_id, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM hospitals
 WHERE :ids::uuid[] IS NULL OR id = ANY(:ids::uuid[]);

-- name: notify
-- Delivered to every listening process when the caller's transaction commits, in commit order, never if it rolls back.
SELECT pg_notify('fleet_changed', payload) FROM unnest(:payloads::text[]) AS payload;

-- name: listen
LISTEN fleet_changed;

-- name: syncWithTimedOut
-- A sync token and, in the same statement (one round trip; its snapshot is after every commit before it), the vehicles
-- that let this incident time out once: a recommendation offers them last.
SELECT pg_notify('fleet_changed', :token) AS sent,
       ARRAY(SELECT DISTINCT vehicle_id::text FROM assignments WHERE incident_id = :incidentId::uuid AND status = 'timed_out') AS timed_out;
