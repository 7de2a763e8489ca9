-- Statements of the generated province network (provinceNetwork.ts): copies of an imported region's edges and
-- vertices, moved as tiles, and the connecting roads between neighbouring tiles. The bookkeeping (network row,
-- components, summary, region pointer) is network.sql's, as for an import.

-- name: baseNetwork
SELECT r.network_id, n.source_name, max(e.source) AS max_source, max(e.target) AS max_target, max(e.osm_way_id) AS max_way
  FROM road_regions r
  JOIN road_networks n ON n.id = r.network_id
  JOIN road_edges e ON e.network_id = r.network_id
 WHERE r.name = :region
 GROUP BY r.network_id, n.source_name

-- name: copyTileEdges
-- One tile: every edge of the base network moved by (dx, dy) degrees, its vertex and way ids shifted by idOffset
-- so tiles share none. Length is measured again on the moved geometry (a degree of longitude is shorter further
-- north) and each drivable direction's cost scaled with it, so a tile's speeds stay the base network's. Ordered
-- by id: the same base gives the same edge ids in the same order.
INSERT INTO road_edges (network_id, source, target, cost, reverse_cost, length_m, highway, name, maxspeed_kmh,
                        osm_way_id, tunnel, bridge, geom)
SELECT :networkId, e.source + :idOffset::bigint, e.target + :idOffset::bigint,
       CASE WHEN e.cost < 0 OR e.length_m = 0 THEN e.cost ELSE e.cost * g.length_m / e.length_m END,
       CASE WHEN e.reverse_cost < 0 OR e.length_m = 0 THEN e.reverse_cost ELSE e.reverse_cost * g.length_m / e.length_m END,
       CASE WHEN e.length_m = 0 THEN 0 ELSE g.length_m END,
       e.highway, e.name, e.maxspeed_kmh, e.osm_way_id + :idOffset::bigint, e.tunnel, e.bridge, g.geom
  FROM road_edges e
 CROSS JOIN LATERAL (SELECT ST_Translate(e.geom, :dx::float8, :dy::float8) AS geom) AS p
 CROSS JOIN LATERAL (SELECT p.geom, ST_Length(p.geom::geography) AS length_m) AS g
 WHERE e.network_id = :baseNetworkId
 ORDER BY e.id

-- name: copyTileVertices
INSERT INTO road_vertices (network_id, id, geom)
SELECT :networkId, v.id + :idOffset::bigint, ST_Translate(v.geom, :dx::float8, :dy::float8)
  FROM road_vertices v
 WHERE v.network_id = :baseNetworkId
 ORDER BY v.id

-- name: insertConnectors
-- Connecting roads, drivable both ways at the class speed of :highway; parallel arrays, one element per road.
INSERT INTO road_edges (network_id, source, target, cost, reverse_cost, length_m, highway, name, geom)
SELECT :networkId, c.source, c.target, g.length_m / (s.kmh / 3.6), g.length_m / (s.kmh / 3.6), g.length_m,
       s.highway, NULL, g.geom
  FROM unnest(:sources::bigint[], :targets::bigint[], :wkts::text[]) AS c(source, target, wkt)
  JOIN road_class_speeds s ON s.highway = :highway
 CROSS JOIN LATERAL (SELECT ST_GeomFromText(c.wkt, 4326) AS geom) AS p
 CROSS JOIN LATERAL (SELECT p.geom, ST_Length(p.geom::geography) AS length_m) AS g
