-- name: fleet
-- Every vehicle in service with where it is for coverage: its live position when fresh, otherwise its post (the
-- station of its open reposition, or of the last one it arrived at since its last task, or its home station); and its
-- centre (its home station's, wherever it stands by).
SELECT v.id, v.call_sign AS "callSign", v.state, (SELECT h.centre_id FROM stations h WHERE h.id = v.home_station_id) AS "centreId",
       CASE WHEN p.device_time > now() - make_interval(secs => :staleAfterSeconds) THEN ST_X(p.location) END AS lon,
       CASE WHEN p.device_time > now() - make_interval(secs => :staleAfterSeconds) THEN ST_Y(p.location) END AS lat,
       ST_X(s.location) AS "postLon", ST_Y(s.location) AS "postLat", s.id AS "postId",
       o.station_id AS "repositionStationId"
  FROM vehicles v
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
  LEFT JOIN repositions o ON o.vehicle_id = v.id AND o.ended_at IS NULL
  CROSS JOIN LATERAL (
    SELECT COALESCE(o.station_id, (
      SELECT r.station_id FROM repositions r
       WHERE r.vehicle_id = v.id AND r.state = 'arrived'
         AND r.created_at > COALESCE((SELECT max(a.ended_at) FROM assignments a WHERE a.vehicle_id = v.id), '-infinity')
       ORDER BY r.created_at DESC LIMIT 1), v.home_station_id) AS station_id
  ) post
  JOIN stations s ON s.id = post.station_id
 WHERE v.in_service
 ORDER BY v.call_sign;

-- name: stations
SELECT id, name, ST_X(location) AS lon, ST_Y(location) AS lat, centre_id AS "centreId" FROM stations ORDER BY code;

-- name: villages
-- The demand points, with their population (null: unknown) as demand weight, and the centre whose area each is in:
-- its nearest station's, as a call there taken by a province login goes (incidents.sql); null without stations.
SELECT g.id, g.name, ST_X(g.location) AS lon, ST_Y(g.location) AS lat, g.population,
       (SELECT s.centre_id FROM stations s ORDER BY s.location <-> g.location LIMIT 1) AS "centreId"
  FROM gazetteer g WHERE g.kind = 'village' ORDER BY g.name, g.id;

-- name: facilities
-- Health facilities of the circle of care: hospitals and township health centres with an emergency department.
SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat, centre_id AS "centreId" FROM hospitals WHERE 'emergency' = ANY(capabilities) ORDER BY code;

-- name: centres
SELECT id FROM centres ORDER BY code;
