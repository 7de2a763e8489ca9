-- name: page
-- Logins sorted by :sort ("-" first: descending), then by username; :pattern searches username and display name,
-- :role keeps one role's logins.
WITH matched AS (
  SELECT id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId",
         hospital_id AS "hospitalId", CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled,
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'username' THEN username WHEN 'displayName' THEN display_name WHEN 'role' THEN role END ASC NULLS LAST,
           CASE :sort WHEN '-username' THEN username WHEN '-displayName' THEN display_name WHEN '-role' THEN role END DESC NULLS LAST,
           username) AS n
    FROM users
   WHERE (:pattern::text IS NULL OR username ILIKE :pattern OR display_name ILIKE :pattern)
     AND (:role::text IS NULL OR role = :role)
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;
