-- name: snap
-- Reference snap of the point to the network within :maxDistanceM.
-- KNN (<->) on the geometry index picks candidates in degrees; they are re-ranked by true distance on the
-- spheroid, and the position along the winner is located on its UTM zone (a metric projection), as the
-- in-memory snapping measures fractions by length.
WITH p AS (
  SELECT ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326) AS geom,
         CASE WHEN :lat::float8 >= 0 THEN 32600 ELSE 32700 END + floor((:lon::float8 + 180) / 6)::int + 1 AS utm
),
candidates AS (
  SELECT e.id, e.geom
  FROM road_edges e, p
  WHERE e.network_id = :networkId AND (e.cost >= 0 OR e.reverse_cost >= 0)
  ORDER BY e.geom <-> p.geom
  LIMIT 50
),
nearest AS (
  SELECT c.id, c.geom, ST_Distance(c.geom::geography, p.geom::geography) AS distance_m
  FROM candidates c, p
  ORDER BY distance_m, c.id
  LIMIT 1
)
SELECT n.id AS edge_id, located.fraction,
       ST_X(located.point) AS lon, ST_Y(located.point) AS lat, n.distance_m
FROM nearest n, p,
     LATERAL (SELECT ST_Transform(n.geom, p.utm) AS line) AS projected,
     LATERAL (SELECT ST_LineLocatePoint(projected.line, ST_Transform(p.geom, p.utm)) AS fraction) AS f,
     LATERAL (SELECT f.fraction, ST_Transform(ST_LineInterpolatePoint(projected.line, f.fraction), 4326) AS point) AS located
WHERE n.distance_m <= :maxDistanceM
