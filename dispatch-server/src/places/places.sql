-- name: search
-- The places a typed text may mean, best first. Each place is matched by its Chinese name, its English (Latin)
-- name, the toneless pinyin of its name ("zhanglan") and the pinyin initials ("zl"); the best of these decides
-- how it matched: exact (also a town's or village's name without 镇/乡/村/街道: 张兰 is 张兰镇), prefix, contains,
-- or only alike by trigram similarity. Initials are matched from their start (inside them only from 3 letters on),
-- pinyin inside a name only from 4 letters on: two letters inside a name match almost anything.
-- Among equal matches: towns and districts, then villages, hospitals and stations, streets, other places; then
-- the nearest to the view centre (when given); then the most alike. LIKE wildcards in the typed text are
-- escaped: "%" matches only "%". Each row carries the town or district it is nearest to within 15 km.
WITH typed AS (
  SELECT :q::text AS q, lower(:q::text) AS lq, :pinyin::text AS py, :pattern::text AS pattern,
         CASE WHEN :nearLon::float8 IS NOT NULL THEN ST_SetSRID(ST_MakePoint(:nearLon, :nearLat), 4326) END AS near
), scored AS (
  SELECT p.*, t.near,
         -- 4 exact, 3 prefix, 2 contains, 1 similar, 0 not by this field.
         CASE WHEN p.name = t.q
                OR (p.kind IN ('town', 'district', 'village') AND regexp_replace(p.name, '(镇|乡|村|街道|社区)$', '') = t.q) THEN 4
              WHEN p.name ILIKE t.pattern || '%' THEN 3 WHEN p.name ILIKE '%' || t.pattern || '%' THEN 2
              WHEN p.name % t.q THEN 1 ELSE 0 END AS by_name,
         CASE WHEN p.name_en IS NULL THEN 0 WHEN lower(p.name_en) = t.lq THEN 4
              WHEN lower(p.name_en) LIKE t.pattern || '%' THEN 3 WHEN lower(p.name_en) LIKE '%' || t.pattern || '%' THEN 2
              WHEN lower(p.name_en) % t.lq THEN 1 ELSE 0 END AS by_name_en,
         CASE WHEN length(t.py) < 2 OR p.pinyin = '' THEN 0 WHEN p.pinyin = t.py THEN 4 WHEN p.pinyin LIKE t.py || '%' THEN 3
              WHEN length(t.py) >= 4 AND p.pinyin LIKE '%' || t.py || '%' THEN 2 ELSE 0 END AS by_pinyin,
         CASE WHEN length(t.py) < 2 OR p.initials = '' THEN 0 WHEN p.initials = t.py THEN 4 WHEN p.initials LIKE t.py || '%' THEN 3
              WHEN length(t.py) >= 3 AND p.initials LIKE '%' || t.py || '%' THEN 2 ELSE 0 END AS by_initials,
         greatest(similarity(p.name, t.q), similarity(lower(coalesce(p.name_en, '')), t.lq),
                  CASE WHEN length(t.py) >= 2 THEN similarity(p.pinyin, t.py) ELSE 0 END) AS similarity
    FROM gazetteer p CROSS JOIN typed t
   -- The parameters themselves (not the CTE's columns), so that each condition can use its index.
   WHERE p.name ILIKE '%' || :pattern || '%' OR lower(p.name_en) LIKE '%' || :pattern || '%'
      OR p.name % :q OR lower(p.name_en) % lower(:q)
      OR (length(:pinyin) >= 2 AND (p.pinyin LIKE :pinyin || '%' OR p.initials LIKE :pinyin || '%'))
      OR (length(:pinyin) >= 4 AND p.pinyin LIKE '%' || :pinyin || '%')
      OR (length(:pinyin) >= 3 AND p.initials LIKE '%' || :pinyin || '%')
), ranked AS (
  SELECT s.*, greatest(by_name, by_name_en, by_pinyin, by_initials) AS quality,
         CASE greatest(by_name, by_name_en, by_pinyin, by_initials)
              WHEN by_name THEN 'name' WHEN by_name_en THEN 'nameEn' WHEN by_pinyin THEN 'pinyin' ELSE 'initials' END AS field,
         CASE WHEN s.near IS NOT NULL THEN ST_Distance(coalesce(s.extent, s.location)::geography, s.near::geography) END AS distance_m
    FROM scored s
), best AS (
  SELECT r.*, row_number() OVER (
           ORDER BY r.quality DESC,
                    CASE WHEN r.kind IN ('town', 'district') THEN 0 WHEN r.kind IN ('village', 'hospital', 'station') THEN 1
                         WHEN r.kind = 'street' THEN 2 ELSE 3 END,
                    r.distance_m NULLS LAST, r.similarity DESC, length(r.name), r.name) AS rank
    FROM ranked r WHERE r.quality > 0
   ORDER BY rank LIMIT :limit
)
-- The town of only the places answered: the nearest town or district by KNN, if within 15 km (the box of
-- ±0.25° keeps the scan short where a region has no towns at all).
SELECT b.id, b.name, b.name_en, b.kind, ST_X(b.location) AS lon, ST_Y(b.location) AS lat, b.synthetic,
       b.quality, b.field, b.similarity, b.distance_m,
       town.name AS town_name, town.name_en AS town_name_en
  FROM best b
  LEFT JOIN LATERAL (
    SELECT n.name, n.name_en, n.location FROM gazetteer n
     WHERE n.kind IN ('town', 'district') AND n.location && ST_Expand(b.location, 0.25)
     ORDER BY n.location <-> b.location LIMIT 1
  ) town ON b.kind NOT IN ('town', 'district') AND ST_DWithin(town.location::geography, b.location::geography, 15000)
 ORDER BY b.rank;

-- name: nearest
-- What a point is near (a map click): the nearest place that is not a street and the nearest named street
-- (PostGIS KNN on the points and on the streets' merged lines), each within 5 km, with the point of it nearest
-- the click; and the town or district nearest the click within 15 km.
WITH at AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
nearest AS (
  -- The point as a parameter, not the CTE's column: an index scan can order by distance only from a value it knows.
  (SELECT p.*, 'place' AS role FROM gazetteer p WHERE p.kind <> 'street'
    ORDER BY p.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 1)
  UNION ALL
  (SELECT p.*, 'road' AS role FROM gazetteer p WHERE p.kind = 'street'
    ORDER BY p.extent <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 1)
)
SELECT n.role, n.id, n.name, n.name_en, n.kind, ST_X(n.location) AS lon, ST_Y(n.location) AS lat, n.synthetic,
       ST_X(c.closest) AS closest_lon, ST_Y(c.closest) AS closest_lat,
       ST_Distance(c.closest::geography, at.g::geography) AS distance_m,
       town.name AS town_name, town.name_en AS town_name_en
  FROM nearest n CROSS JOIN at
 CROSS JOIN LATERAL (SELECT ST_ClosestPoint(coalesce(n.extent, n.location), at.g) AS closest) c
  -- A street's town where it comes closest to the click (a national road crosses several).
  LEFT JOIN LATERAL (
    SELECT t.name, t.name_en, t.location FROM gazetteer t
     WHERE t.kind IN ('town', 'district') AND t.location && ST_Expand(c.closest, 0.25)
     ORDER BY t.location <-> c.closest LIMIT 1
  ) town ON n.kind NOT IN ('town', 'district') AND ST_DWithin(town.location::geography, c.closest::geography, 15000)
 WHERE ST_DWithin(c.closest::geography, at.g::geography, 5000)
 UNION ALL
SELECT 'town', t.id, t.name, t.name_en, t.kind, ST_X(t.location), ST_Y(t.location), t.synthetic,
       ST_X(t.location), ST_Y(t.location), ST_Distance(t.location::geography, at.g::geography), NULL, NULL
  FROM at CROSS JOIN LATERAL (
    SELECT * FROM gazetteer t
     WHERE t.kind IN ('town', 'district') AND t.location && ST_Expand(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 0.25)
     ORDER BY t.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 1
  ) t
 WHERE ST_DWithin(t.location::geography, at.g::geography, 15000);
