-- name: search
-- The places a typed name may mean, best first: exact names, then names starting with it (东王 finds 东王村 before
-- 西王村), then by trigram similarity. LIKE wildcards in the typed text are escaped: "%" matches only "%".
-- Each row says how it matched and, for villages and the like, the nearest town within 15 km.
WITH typed AS (
  SELECT :q::text AS q, lower(:q::text) AS lq,
         replace(replace(replace(lower(:q::text), '\', '\\'), '%', '\%'), '_', '\_') AS pattern
)
SELECT p.id, p.name, p.name_en, p.kind, ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.synthetic,
       (p.name = t.q OR lower(p.name_en) = t.lq) AS exact,
       (p.name ILIKE t.pattern || '%' OR lower(p.name_en) LIKE t.pattern || '%') AS prefix,
       greatest(similarity(p.name, t.q), similarity(lower(coalesce(p.name_en, '')), t.lq)) AS similarity,
       town.name AS town_name, town.name_en AS town_name_en
  FROM places p CROSS JOIN typed t
  LEFT JOIN LATERAL (
    SELECT n.name, n.name_en FROM places n
     WHERE n.kind = 'town' AND ST_DWithin(n.location::geography, p.location::geography, 15000)
     ORDER BY n.location <-> p.location LIMIT 1
  ) town ON p.kind NOT IN ('town', 'district')
 WHERE p.name ILIKE '%' || t.pattern || '%' OR lower(p.name_en) LIKE '%' || t.pattern || '%'
    OR p.name % t.q OR lower(p.name_en) % t.lq
 ORDER BY exact DESC, prefix DESC, similarity DESC, p.kind, p.name
 LIMIT :limit;

-- name: upsert
INSERT INTO places (name, name_en, kind, location, synthetic)
VALUES (:name, :nameEn, :kind, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :synthetic)
ON CONFLICT (name, kind) DO UPDATE SET name_en = EXCLUDED.name_en, location = EXCLUDED.location, synthetic = EXCLUDED.synthetic
RETURNING id;
