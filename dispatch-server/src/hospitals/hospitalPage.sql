-- name: page
-- Hospitals as hospitals.sql's list writes them, sorted by :sort ("-" first: descending), then by code; :pattern
-- searches code, names and address.
WITH matched AS (
  SELECT h.id, h.code, h.name, h.name_en AS "nameEn", h.centre_id AS "centreId", h.kind, h.capabilities, h.address, h.phone,
         json_build_object('lon', ST_X(h.location), 'lat', ST_Y(h.location)) AS location,
         h.load_status AS "loadStatus", to_char(h.load_status_set_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "loadStatusSetAt",
         u.username AS "loadStatusSetBy",
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'code' THEN h.code WHEN 'name' THEN h.name WHEN 'kind' THEN h.kind WHEN 'loadStatus' THEN h.load_status END ASC NULLS LAST,
           CASE :sort WHEN '-code' THEN h.code WHEN '-name' THEN h.name WHEN '-kind' THEN h.kind WHEN '-loadStatus' THEN h.load_status END DESC NULLS LAST,
           h.code) AS n
    FROM hospitals h LEFT JOIN users u ON u.id = h.load_status_set_by
   WHERE :pattern::text IS NULL OR h.code ILIKE :pattern OR h.name ILIKE :pattern OR h.name_en ILIKE :pattern OR h.address ILIKE :pattern
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;
