-- name: page
-- Sorted by the column :sort names ("-" first: descending), then by code; :pattern searches code, names and address.
WITH matched AS (
  SELECT id, code, name, name_en AS "nameEn", centre_id AS "centreId", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location,
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'code' THEN code WHEN 'name' THEN name WHEN 'kind' THEN kind END ASC NULLS LAST,
           CASE :sort WHEN '-code' THEN code WHEN '-name' THEN name WHEN '-kind' THEN kind END DESC NULLS LAST,
           code) AS n
    FROM stations
   WHERE :pattern::text IS NULL OR code ILIKE :pattern OR name ILIKE :pattern OR name_en ILIKE :pattern OR address ILIKE :pattern
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;
