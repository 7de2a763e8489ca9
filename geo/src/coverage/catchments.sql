-- name: createPoints
-- Labelled sample points of one request; dropped at commit.
CREATE TEMP TABLE catchment_points (facility int NOT NULL, geom geometry(Point, 4326) NOT NULL) ON COMMIT DROP

-- name: insertPoints
INSERT INTO catchment_points (facility, geom)
SELECT facility, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
FROM unnest(:facilities::int[], :lons::float8[], :lats::float8[]) AS u(facility, lon, lat)

-- name: indexPoints
CREATE INDEX ON catchment_points USING gist (geom)

-- name: analyzePoints
ANALYZE catchment_points

-- name: polygons
-- Each sample point's Voronoi cell takes the point's facility; the cells of one facility are dissolved and
-- clipped to the network's convex hull. Cells tile the plane, so the catchments partition the hull.
-- Points at the same position share one cell, which goes to the lowest facility index (-1 = unreached).
WITH hull AS (
  SELECT ST_ConvexHull(ST_Collect(geom)) AS geom FROM catchment_points
),
cells AS (
  SELECT row_number() OVER () AS id, dumped.geom
  FROM (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(p.geom), 0, (SELECT geom FROM hull)))).geom AS geom
        FROM catchment_points p) AS dumped
),
labelled AS (
  SELECT DISTINCT ON (c.id) p.facility, c.geom
  FROM cells c
  JOIN catchment_points p ON ST_Intersects(c.geom, p.geom)
  ORDER BY c.id, p.facility
)
SELECT l.facility,
       ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(ST_Union(l.geom), (SELECT geom FROM hull)), 3), 7)::json AS geometry,
       ST_Area(ST_Intersection(ST_Union(l.geom), (SELECT geom FROM hull))::geography) AS area_m2
FROM labelled l
GROUP BY l.facility
ORDER BY l.facility
