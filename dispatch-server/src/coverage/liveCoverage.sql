-- name: fleet
-- Every vehicle in service with where it is for coverage: its live position when fresh, otherwise its post (the
-- station of its open reposition, or of the last one it arrived at since its last task, or its home station).
SELECT v.id, v.call_sign AS "callSign", v.state,
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
SELECT id, name, ST_X(location) AS lon, ST_Y(location) AS lat FROM stations ORDER BY code;

-- name: villages
-- The demand points, with their population (null: unknown) as demand weight.
SELECT id, name, ST_X(location) AS lon, ST_Y(location) AS lat, population FROM gazetteer WHERE kind = 'village' ORDER BY name, id;

-- name: facilities
-- Health facilities of the circle of care: hospitals and township health centres with an emergency department.
SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat FROM hospitals WHERE 'emergency' = ANY(capabilities) ORDER BY code;
