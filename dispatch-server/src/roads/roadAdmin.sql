-- The road networks as an administrator sees them: regions with their network and report, the import history,
-- and which region is live.

-- name: regions
SELECT r.name, r.live, r.updated_at, n.id, n.region, n.source_name, n.source_format, n.synthetic, n.status, n.ways, n.edges,
       n.vertices, n.length_km, n.largest_component_share, n.created_at, n.ready_at, n.report
  FROM road_regions r JOIN road_networks n ON n.id = r.network_id
 ORDER BY r.live DESC, r.updated_at DESC, r.name;

-- name: history
SELECT n.id, n.region, n.source_name, n.source_format, n.synthetic, n.status, n.ways, n.edges, n.vertices, n.length_km,
       n.largest_component_share, n.created_at, n.ready_at, n.report
  FROM road_networks n
 ORDER BY n.created_at DESC, n.id DESC
 LIMIT 50;

-- name: pinServed
-- Before an import from the console: with no live region the latest one is served, and the new region would be
-- the latest; pinning the one served now keeps it served until an administrator makes the new one live.
UPDATE road_regions SET live = true
 WHERE name = (SELECT name FROM road_regions ORDER BY updated_at DESC, name LIMIT 1)
   AND NOT EXISTS (SELECT 1 FROM road_regions WHERE live);

-- name: lockRegions
SELECT name, live FROM road_regions ORDER BY name FOR UPDATE;

-- name: clearLive
UPDATE road_regions SET live = false WHERE live;

-- name: setLive
UPDATE road_regions SET live = true WHERE name = :region;

-- name: notifyChanged
-- The graph registries drop the region's graph and look up the served region again, at commit.
SELECT pg_notify('road_network_changed', :region);
