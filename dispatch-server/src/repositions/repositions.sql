-- name: vehicleForUpdate
SELECT v.id, v.in_service AS "inService", v.state FROM vehicles v WHERE v.id = :id FOR UPDATE;

-- name: station
SELECT id, name, ST_X(location) AS lon, ST_Y(location) AS lat, centre_id FROM stations WHERE id = :id;

-- name: vehicleCentre
-- A vehicle is of its home station's centre, wherever it stands by.
SELECT s.centre_id FROM vehicles v JOIN stations s ON s.id = v.home_station_id WHERE v.id = :id;

-- name: cancelOpen
UPDATE repositions SET state = 'cancelled', ended_at = now(), updated_at = now()
 WHERE vehicle_id = :vehicleId AND ended_at IS NULL
RETURNING id;

-- name: insert
INSERT INTO repositions (vehicle_id, station_id, route, expected_before, expected_after, created_by)
VALUES (:vehicleId, :stationId, :route::jsonb, :expectedBefore, :expectedAfter, :createdBy)
RETURNING id;

-- name: openOf
SELECT id, state FROM repositions WHERE vehicle_id = :vehicleId AND ended_at IS NULL FOR UPDATE;

-- name: setState
UPDATE repositions
   SET state = :state, updated_at = now(), ended_at = CASE WHEN :state IN ('arrived', 'cancelled') THEN now() END
 WHERE id = :id
RETURNING id;

-- name: get
SELECT r.id, r.vehicle_id AS "vehicleId", v.call_sign AS "callSign", r.station_id AS "stationId", s.name AS "stationName", s.name_en AS "stationNameEn",
       ST_X(s.location) AS "stationLon", ST_Y(s.location) AS "stationLat", r.state,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
       to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt",
       r.route
  FROM repositions r JOIN vehicles v ON v.id = r.vehicle_id JOIN stations s ON s.id = r.station_id
 WHERE r.id = :id;

-- name: sweep
-- Open repositions that ended by themselves: the vehicle was dispatched or taken out of service (cancelled), or
-- its fresh position is within :arrivedM metres of the station (arrived).
WITH ended AS (
  SELECT r.id,
         CASE WHEN NOT v.in_service OR v.state <> 'available' THEN 'cancelled' ELSE 'arrived' END AS state
    FROM repositions r
    JOIN vehicles v ON v.id = r.vehicle_id
    JOIN stations s ON s.id = r.station_id
    LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = r.vehicle_id
   WHERE r.ended_at IS NULL
     AND (NOT v.in_service OR v.state <> 'available'
          OR (p.device_time > r.created_at AND ST_DWithin(p.location::geography, s.location::geography, :arrivedM)))
)
UPDATE repositions r SET state = ended.state, ended_at = now(), updated_at = now()
  FROM ended WHERE r.id = ended.id
RETURNING r.id;
