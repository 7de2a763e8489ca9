-- name: region
-- The region the server routes on: the configured one, else the live one, else the most recently updated (as the graph registry).
SELECT r.name, r.network_id, n.synthetic, n.source_name,
       CASE WHEN n.bbox IS NOT NULL THEN ARRAY[ST_XMin(n.bbox), ST_YMin(n.bbox), ST_XMax(n.bbox), ST_YMax(n.bbox)] END AS bbox
  FROM road_regions r
  JOIN road_networks n ON n.id = r.network_id
 WHERE :region::text IS NULL OR r.name = :region
 ORDER BY r.live DESC, r.updated_at DESC, r.name
 LIMIT 1;

-- name: edgesInBbox
-- The tolerance is in degrees; :classes NULL means every class.
-- Bigger roads first, so that when the limit cuts, it cuts the small ones.
SELECT e.id, e.highway, e.name,
       ST_AsGeoJSON(ST_Simplify(e.geom, :tolerance, true), 6) AS geometry
  FROM road_edges e
 WHERE e.network_id = :networkId
   AND e.geom && ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, 4326)
   AND (:classes::text[] IS NULL OR e.highway = ANY (:classes))
 ORDER BY array_position(ARRAY['motorway', 'trunk', 'primary', 'secondary', 'tertiary'], regexp_replace(e.highway, '_link$', '')) NULLS LAST, e.id
 LIMIT :limit;
