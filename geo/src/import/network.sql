-- Statements of a road import and of the region pointer; see importRoads.ts for the order they run in.

-- name: drivableClasses
SELECT highway FROM road_class_speeds ORDER BY highway

-- name: regionInfo
SELECT r.network_id, n.source_name, n.created_at
  FROM road_regions r JOIN road_networks n ON n.id = r.network_id
 WHERE r.name = $1

-- name: lockRegion
-- Session lock per region: two imports of one region would otherwise race for the pointer.
SELECT pg_try_advisory_lock(hashtext('road_import'), hashtext($1)) AS locked

-- name: unlockRegion
SELECT pg_advisory_unlock(hashtext('road_import'), hashtext($1))

-- name: deleteAbandoned
-- Networks a crashed import left behind; safe under the region lock, and never the active one.
DELETE FROM road_networks
 WHERE region = $1 AND status IN ('importing', 'failed')
   AND id NOT IN (SELECT network_id FROM road_regions)

-- name: createNetwork
INSERT INTO road_networks (region, source_name, source_format, synthetic, status)
VALUES ($1, $2, $3, $4, 'importing')
RETURNING id

-- name: insertVertices
INSERT INTO road_vertices (network_id, id, geom)
SELECT $1, v.id, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)
  FROM unnest($2::bigint[], $3::float8[], $4::float8[]) AS v(id, lon, lat)

-- name: analyse
-- Fresh rows have no statistics; without them the planner joins tens of thousands of edges by nested loops.
ANALYZE road_edges, road_vertices

-- name: assignComponents
-- Undirected connected components by pgRouting; a component is named by its smallest vertex id.
UPDATE road_vertices v SET component = c.component
  FROM pgr_connectedComponents(
         format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', $1::bigint)
       ) AS c
 WHERE v.network_id = $1 AND v.id = c.node

-- name: summarise
-- Counts, total length, bounding box and the share of the length in the largest component.
WITH edges AS (
  SELECT e.length_m, e.geom, v.component
    FROM road_edges e JOIN road_vertices v ON v.network_id = e.network_id AND v.id = e.source
   WHERE e.network_id = $1
), by_component AS (
  SELECT component, sum(length_m) AS length_m FROM edges GROUP BY component
), totals AS (
  SELECT count(*) AS edges, sum(length_m) AS length_m, ST_Extent(geom) AS extent FROM edges
)
UPDATE road_networks n
   SET ways = $2,
       edges = t.edges,
       vertices = (SELECT count(*) FROM road_vertices WHERE network_id = $1),
       length_km = t.length_m / 1000,
       largest_component_share = CASE WHEN t.length_m > 0
                                      THEN (SELECT max(length_m) FROM by_component) / t.length_m ELSE 1 END,
       bbox = ST_MakeEnvelope(ST_XMin(t.extent), ST_YMin(t.extent), ST_XMax(t.extent), ST_YMax(t.extent), 4326)
  FROM totals t
 WHERE n.id = $1
RETURNING n.edges, n.vertices, n.length_km, n.largest_component_share,
          (SELECT count(*) FROM road_edges WHERE network_id = $1 AND (cost < 0 OR reverse_cost < 0)) AS oneway_edges

-- name: lockRegionRow
SELECT network_id FROM road_regions WHERE name = $1 FOR UPDATE

-- name: pointRegion
INSERT INTO road_regions (name, network_id) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET network_id = EXCLUDED.network_id, updated_at = now()

-- name: markReady
UPDATE road_networks SET status = 'ready', ready_at = now() WHERE id = $1

-- name: retireNetwork
-- The network row stays as the record of the import; its roads go.
UPDATE road_networks SET status = 'retired' WHERE id = $1

-- name: deleteEdges
DELETE FROM road_edges WHERE network_id = $1

-- name: deleteVertices
DELETE FROM road_vertices WHERE network_id = $1

-- name: notifyChanged
-- Delivered at commit: servers reload their in-memory graph of the region only once it is in place.
SELECT pg_notify('road_network_changed', $1)

-- name: deleteNetwork
DELETE FROM road_networks WHERE id = $1

-- name: activeNetwork
SELECT network_id FROM road_regions WHERE name = $1

-- name: recost
-- Applies the current road_class_speeds to a region's edges; edges with a maxspeed keep theirs, and a
-- direction that is not drivable stays so.
UPDATE road_edges e
   SET cost = CASE WHEN e.cost < 0 THEN e.cost ELSE e.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) END,
       reverse_cost = CASE WHEN e.reverse_cost < 0 THEN e.reverse_cost
                           ELSE e.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) END
  FROM road_class_speeds s
 WHERE e.network_id = $1 AND s.highway = e.highway
