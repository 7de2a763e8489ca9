-- Statements building a network's gazetteer at import (see buildGazetteer.ts) and dropping a replaced one's.

-- name: insertPlaces
-- One batch of named OSM objects. An area or a line is kept as a point on it (ST_PointOnSurface: inside even
-- a concave hospital grounds); an invalid polygon is repaired first rather than dropped. Population: the count
-- the OSM tag gives (null without one).
INSERT INTO places (network_id, osm_id, name, name_en, kind, location, synthetic, pinyin, initials, population)
SELECT :networkId, p.osm_id, p.name, p.name_en, p.kind,
       ST_PointOnSurface(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(p.geometry), 4326))), :synthetic, p.pinyin, p.initials, p.population
  FROM unnest(:osmIds::text[], :names::text[], :nameEns::text[], :kinds::text[], :geometries::text[], :pinyins::text[], :initials::text[],
              :populations::int[])
       AS p(osm_id, name, name_en, kind, geometry, pinyin, initials, population)

-- name: insertStreets
-- One place per street: a network's named edges grouped by name, and a name's edges split where they lie far
-- apart (ST_ClusterDBSCAN: the Hauptstraße of each village, the 中街 of each town, stay apart; the two carriageways
-- of one avenue, ~20–50 m apart, stay one). The extent is the street's lines merged (ST_LineMerge of
-- ST_Collect); its point is the point of the street nearest the middle of its extent.
-- English names and pinyin come from the import by name (parallel arrays).
WITH named AS (
  SELECT e.name, e.geom,
         ST_ClusterDBSCAN(e.geom, eps := 0.0015, minpoints := 1) OVER (PARTITION BY e.name) AS cluster
    FROM road_edges e
   WHERE e.network_id = :networkId AND e.name IS NOT NULL
), streets AS (
  SELECT name, ST_LineMerge(ST_Collect(geom)) AS extent FROM named GROUP BY name, cluster
), keys AS (
  SELECT * FROM unnest(:names::text[], :nameEns::text[], :pinyins::text[], :initials::text[]) AS k(name, name_en, pinyin, initials)
)
INSERT INTO places (network_id, name, name_en, kind, location, extent, synthetic, pinyin, initials)
SELECT :networkId, s.name, k.name_en, 'street', ST_ClosestPoint(s.extent, ST_Centroid(s.extent)), s.extent, :synthetic,
       coalesce(k.pinyin, ''), coalesce(k.initials, '')
  FROM streets s LEFT JOIN keys k ON k.name = s.name

-- name: count
SELECT count(*) FILTER (WHERE kind = 'street')::int AS streets, count(*) FILTER (WHERE kind <> 'street')::int AS places
  FROM places WHERE network_id = :networkId

-- name: dropReplaced
-- A replaced network's places go, except those an incident was located at (the incident keeps naming them).
DELETE FROM places p
 WHERE p.network_id = :networkId AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.place_id = p.id)

-- name: regionHasGazetteer
-- Whether a region's current network has a gazetteer (networks imported before there was one have none).
SELECT EXISTS (SELECT 1 FROM places p JOIN road_regions r ON r.network_id = p.network_id WHERE r.name = :region) AS has
