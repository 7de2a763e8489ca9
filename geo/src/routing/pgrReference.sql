-- name: dijkstraCostManyToOne
-- pgRouting's travel times from many vertices to one: the reference the in-memory search is checked against.
-- Vertices with no path are absent from the result.
SELECT start_vid AS source, agg_cost AS seconds
FROM pgr_dijkstraCost(
  format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', :networkId::bigint),
  :sources::bigint[], :target::bigint, directed := true)

-- name: drivingDistanceReversed
-- Every vertex within :maxSeconds of reaching the target vertex, in one search on the reversed graph (source
-- and target swapped, each edge keeping its own cost and reverse_cost).
SELECT node AS vertex, agg_cost AS seconds
FROM pgr_drivingDistance(
  format('SELECT id, target AS source, source AS target, cost, reverse_cost FROM road_edges WHERE network_id = %s', :networkId::bigint),
  :target::bigint, :maxSeconds::float8, directed := true)

-- name: dijkstraPath
-- The shortest path between two vertices of a region's active network, edge by edge (agg_cost is the cost
-- before each edge; the last row, edge -1, carries the total). No rows when there is no path.
SELECT d.edge, d.agg_cost
  FROM road_regions r,
       pgr_dijkstra(format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', r.network_id),
                    :from::bigint, :to::bigint, directed => true) AS d
 WHERE r.name = :region
 ORDER BY d.seq
