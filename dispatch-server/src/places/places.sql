-- name: search
-- Exact and prefix matches first, then by trigram similarity, so 东王 finds 东王村 before 西王村.
SELECT id, name, name_en, kind, ST_X(location) AS lon, ST_Y(location) AS lat, synthetic
  FROM places
 WHERE name ILIKE '%' || $1 || '%' OR lower(name_en) LIKE '%' || lower($1) || '%' OR name % $1
 ORDER BY (name = $1 OR lower(name_en) = lower($1)) DESC,
          (name ILIKE $1 || '%' OR lower(name_en) LIKE lower($1) || '%') DESC,
          greatest(similarity(name, $1), similarity(lower(coalesce(name_en, '')), lower($1))) DESC,
          kind, name
 LIMIT $2;

-- name: upsert
INSERT INTO places (name, name_en, kind, location, synthetic)
VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6)
ON CONFLICT (name, kind) DO UPDATE SET name_en = EXCLUDED.name_en, location = EXCLUDED.location, synthetic = EXCLUDED.synthetic
RETURNING id;
