-- name: dijkstraCostManyToOne
-- pgRouting's travel times from many vertices ($2) to one ($3) on network $1: the reference the in-memory
-- search is checked against. Vertices with no path are absent from the result.
SELECT start_vid AS source, agg_cost AS seconds
FROM pgr_dijkstraCost(
  format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', $1::bigint),
  $2::bigint[], $3::bigint, directed := true)

-- name: drivingDistanceReversed
-- Every vertex within $3 seconds of reaching vertex $2, in one search on the reversed graph (source and
-- target swapped, each edge keeping its own cost and reverse_cost).
SELECT node AS vertex, agg_cost AS seconds
FROM pgr_drivingDistance(
  format('SELECT id, target AS source, source AS target, cost, reverse_cost FROM road_edges WHERE network_id = %s', $1::bigint),
  $2::bigint, $3::float8, directed := true)
