-- name: region
-- The region the server routes on: the configured one, else the most recently updated (as the graph registry).
SELECT r.name, r.network_id, n.synthetic, n.source_name,
       ST_XMin(n.bbox) AS min_lon, ST_YMin(n.bbox) AS min_lat, ST_XMax(n.bbox) AS max_lon, ST_YMax(n.bbox) AS max_lat
  FROM road_regions r
  JOIN road_networks n ON n.id = r.network_id
 WHERE $1::text IS NULL OR r.name = $1
 ORDER BY r.updated_at DESC, r.name
 LIMIT 1;

-- name: edgesInBbox
-- $1 network, $2..$5 bbox, $6 simplify tolerance (degrees), $7 highway classes (NULL: all), $8 row limit.
-- Bigger roads first, so that when the limit cuts, it cuts the small ones.
SELECT e.id, e.highway, e.name,
       ST_AsGeoJSON(ST_Simplify(e.geom, $6, true), 6) AS geometry
  FROM road_edges e
 WHERE e.network_id = $1
   AND e.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)
   AND ($7::text[] IS NULL OR e.highway = ANY ($7))
 ORDER BY array_position(ARRAY['motorway', 'trunk', 'primary', 'secondary', 'tertiary'], regexp_replace(e.highway, '_link$', '')) NULLS LAST, e.id
 LIMIT $8;
