-- Statements of a road import and of the region pointer; see importRoads.ts for the order they run in.

-- name: drivableClasses
SELECT highway FROM road_class_speeds ORDER BY highway

-- name: regionInfo
SELECT n.source_name, n.created_at
  FROM road_regions r JOIN road_networks n ON n.id = r.network_id
 WHERE r.name = :region

-- name: lockRegion
-- Session lock per region: two imports of one region would otherwise race for the pointer.
SELECT pg_try_advisory_lock(hashtext('road_import'), hashtext(:region)) AS locked

-- name: unlockRegion
SELECT pg_advisory_unlock(hashtext('road_import'), hashtext(:region))

-- name: deleteAbandoned
-- Networks a crashed import left behind; safe under the region lock, and never the active one.
DELETE FROM road_networks
 WHERE region = :region AND status IN ('importing', 'failed')
   AND id NOT IN (SELECT network_id FROM road_regions)

-- name: createNetwork
INSERT INTO road_networks (region, source_name, source_format, synthetic, status)
VALUES (:region, :sourceName, :format, :synthetic, 'importing')
RETURNING id

-- name: insertEdges
-- One batch of edges of a network. Length is geodesic (PostGIS on the geography), and the cost in seconds
-- comes from the way's maxspeed or else the class speed in road_class_speeds; -1 marks a direction that
-- cannot be driven (pgRouting's convention: any negative cost).
-- Parallel arrays, one element per edge.
INSERT INTO road_edges (network_id, source, target, cost, reverse_cost, length_m, highway, name, maxspeed_kmh,
                        osm_way_id, tunnel, bridge, geom)
SELECT :networkId, e.source, e.target,
       CASE WHEN e.forward THEN g.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) ELSE -1 END,
       CASE WHEN e.backward THEN g.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) ELSE -1 END,
       g.length_m, e.highway, e.name, e.maxspeed_kmh, e.osm_way_id, e.tunnel, e.bridge, g.geom
  FROM unnest(:sources::bigint[], :targets::bigint[], :highways::text[], :names::text[], :maxspeeds::real[],
              :osmWayIds::bigint[], :tunnels::boolean[], :bridges::boolean[], :forwards::boolean[],
              :backwards::boolean[], :wkts::text[])
       AS e(source, target, highway, name, maxspeed_kmh, osm_way_id, tunnel, bridge, forward, backward, wkt)
  JOIN road_class_speeds s ON s.highway = e.highway
 CROSS JOIN LATERAL (SELECT ST_GeomFromText(e.wkt, 4326) AS geom) AS p
 CROSS JOIN LATERAL (SELECT p.geom, ST_Length(p.geom::geography) AS length_m) AS g

-- name: insertVertices
INSERT INTO road_vertices (network_id, id, geom)
SELECT :networkId, v.id, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)
  FROM unnest(:ids::bigint[], :lons::float8[], :lats::float8[]) AS v(id, lon, lat)

-- name: analyse
-- Fresh rows have no statistics; without them the planner joins tens of thousands of edges by nested loops.
ANALYZE road_edges, road_vertices

-- name: assignComponents
-- Undirected connected components by pgRouting; a component is named by its smallest vertex id.
UPDATE road_vertices v SET component = c.component
  FROM pgr_connectedComponents(
         format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', :networkId::bigint)
       ) AS c
 WHERE v.network_id = :networkId AND v.id = c.node

-- name: summarise
-- Counts, total length, bounding box and the share of the length in the largest component.
WITH edges AS (
  SELECT e.length_m, e.geom, v.component
    FROM road_edges e JOIN road_vertices v ON v.network_id = e.network_id AND v.id = e.source
   WHERE e.network_id = :networkId
), by_component AS (
  SELECT component, sum(length_m) AS length_m FROM edges GROUP BY component
), totals AS (
  SELECT count(*) AS edges, sum(length_m) AS length_m, ST_Extent(geom) AS extent FROM edges
)
UPDATE road_networks n
   SET ways = :ways,
       edges = t.edges,
       vertices = (SELECT count(*) FROM road_vertices WHERE network_id = :networkId),
       length_km = t.length_m / 1000,
       largest_component_share = CASE WHEN t.length_m > 0
                                      THEN (SELECT max(length_m) FROM by_component) / t.length_m ELSE 1 END,
       bbox = ST_MakeEnvelope(ST_XMin(t.extent), ST_YMin(t.extent), ST_XMax(t.extent), ST_YMax(t.extent), 4326)
  FROM totals t
 WHERE n.id = :networkId
RETURNING n.edges, n.vertices, n.length_km, n.largest_component_share,
          (SELECT count(*) FROM road_edges WHERE network_id = :networkId AND (cost < 0 OR reverse_cost < 0)) AS oneway_edges

-- name: lockRegionRow
SELECT network_id FROM road_regions WHERE name = :region FOR UPDATE

-- name: pointRegion
INSERT INTO road_regions (name, network_id) VALUES (:region, :networkId)
ON CONFLICT (name) DO UPDATE SET network_id = EXCLUDED.network_id, updated_at = now()

-- name: markReady
UPDATE road_networks SET status = 'ready', ready_at = now() WHERE id = :networkId

-- name: retireNetwork
-- The network row stays as the record of the import; its roads go.
UPDATE road_networks SET status = 'retired' WHERE id = :networkId

-- name: deleteEdges
DELETE FROM road_edges WHERE network_id = :networkId

-- name: deleteVertices
DELETE FROM road_vertices WHERE network_id = :networkId

-- name: notifyChanged
-- Delivered at commit: servers reload their in-memory graph of the region only once it is in place.
SELECT pg_notify('road_network_changed', :region)

-- name: deleteNetwork
DELETE FROM road_networks WHERE id = :networkId

-- name: activeNetwork
SELECT network_id FROM road_regions WHERE name = :region

-- name: recost
-- Applies the current road_class_speeds to a region's edges; edges with a maxspeed keep theirs, and a
-- direction that is not drivable stays so.
UPDATE road_edges e
   SET cost = CASE WHEN e.cost < 0 THEN e.cost ELSE e.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) END,
       reverse_cost = CASE WHEN e.reverse_cost < 0 THEN e.reverse_cost
                           ELSE e.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) END
  FROM road_class_speeds s
 WHERE e.network_id = :networkId AND s.highway = e.highway

-- name: saveReport
-- The import's own report (stage timings, skipped ways), kept with the network for the console.
UPDATE road_networks SET report = :report::jsonb WHERE id = :networkId
