-- One batch of edges of a network. Length is geodesic (PostGIS on the geography), and the cost in seconds
-- comes from the way's maxspeed or else the class speed in road_class_speeds; -1 marks a direction that
-- cannot be driven (pgRouting's convention: any negative cost).
-- $1 network id; $2.. parallel arrays, one element per edge.
INSERT INTO road_edges (network_id, source, target, cost, reverse_cost, length_m, highway, name, maxspeed_kmh,
                        osm_way_id, tunnel, bridge, geom)
SELECT $1, e.source, e.target,
       CASE WHEN e.forward THEN g.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) ELSE -1 END,
       CASE WHEN e.backward THEN g.length_m / (COALESCE(e.maxspeed_kmh, s.kmh) / 3.6) ELSE -1 END,
       g.length_m, e.highway, e.name, e.maxspeed_kmh, e.osm_way_id, e.tunnel, e.bridge, g.geom
  FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::real[], $7::bigint[], $8::boolean[],
              $9::boolean[], $10::boolean[], $11::boolean[], $12::text[])
       AS e(source, target, highway, name, maxspeed_kmh, osm_way_id, tunnel, bridge, forward, backward, wkt)
  JOIN road_class_speeds s ON s.highway = e.highway
 CROSS JOIN LATERAL (SELECT ST_GeomFromText(e.wkt, 4326) AS geom) AS p
 CROSS JOIN LATERAL (SELECT p.geom, ST_Length(p.geom::geography) AS length_m) AS g
