-- name: load
-- Every edge of a region's active network, with its geometry as plain WKB (cheap to transfer and to parse). Read through
-- a cursor in chunks (roadGraph.ts): one statement, so one snapshot. One row per edge rather than one row of arrays: measured on
-- the RNV network (57k edges), pg parses 57k small rows about twice as fast as one row of 15 MB of arrays.
-- Ordered by id so that a graph built twice from the same network has the same compact indices.
SELECT r.network_id, e.id, e.source, e.target, e.cost, e.reverse_cost, e.length_m, e.name, e.highway, e.osm_way_id,
       e.tunnel, ST_AsBinary(e.geom) AS wkb
  FROM road_regions r
  JOIN road_edges e ON e.network_id = r.network_id
 WHERE r.name = :region
 ORDER BY e.id
