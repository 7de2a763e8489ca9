-- Every edge of one road network, with its geometry as plain WKB (cheap to transfer and to parse).
-- Ordered by id so that a graph built twice from the same network has the same compact indices.
SELECT id, source, target, cost, reverse_cost, length_m, name, highway, osm_way_id, tunnel,
       ST_AsBinary(geom) AS wkb
FROM road_edges
WHERE network_id = $1
ORDER BY id
