-- name: page
-- Crew members sorted by :sort ("-" first: descending), then by name; :pattern searches the name.
WITH matched AS (
  SELECT id, name, crew_role AS "crewRole", phone, station_id AS "stationId",
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'name' THEN name WHEN 'crewRole' THEN crew_role END ASC NULLS LAST,
           CASE :sort WHEN '-name' THEN name WHEN '-crewRole' THEN crew_role END DESC NULLS LAST,
           name, id) AS n
    FROM crew_members
   WHERE :pattern::text IS NULL OR name ILIKE :pattern
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;
