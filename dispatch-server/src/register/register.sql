-- The priority-group register (migration 020). Phones are matched by phone_key (digits, no country code), addresses by
-- address_key (NFKC, lower case, no spaces or punctuation), both exact.

-- name: upsert
-- A re-import of the same record changes nothing (no row returned); a changed one is updated; `inserted` tells new ones.
INSERT INTO register_residents AS r (record_id, source, name, birth_date, phone, address, groups, flags, team_name, team_phone)
VALUES (:recordId, :source, :name, :birthDate::date, :phone, :address, :groups, :flags, :teamName, :teamPhone)
ON CONFLICT (record_id) DO UPDATE
   SET source = EXCLUDED.source, name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, phone = EXCLUDED.phone,
       address = EXCLUDED.address, groups = EXCLUDED.groups, flags = EXCLUDED.flags, team_name = EXCLUDED.team_name,
       team_phone = EXCLUDED.team_phone, updated_at = now()
 WHERE (r.name, r.birth_date, r.phone, r.address, r.groups, r.flags, r.team_name, r.team_phone)
       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.birth_date, EXCLUDED.phone, EXCLUDED.address, EXCLUDED.groups, EXCLUDED.flags, EXCLUDED.team_name, EXCLUDED.team_phone)
RETURNING id, (xmax = 0) AS inserted;

-- name: match
-- The residents a call's number or address names, with what matched.
SELECT id, name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, groups, flags, team_name, team_phone,
       array_remove(ARRAY[
         CASE WHEN phone_key(phone) = phone_key(:phone) THEN 'phone' END,
         CASE WHEN address_key(address) = address_key(:address) THEN 'address' END], NULL) AS matched_by
  FROM register_residents
 WHERE (phone IS NOT NULL AND phone_key(phone) = phone_key(:phone))
    OR (address IS NOT NULL AND address_key(address) = address_key(:address))
 ORDER BY name, id
 LIMIT 20;

-- name: link
INSERT INTO register_incident_links (incident_id, resident_id, matched_by)
VALUES (:incidentId, :residentId, :matchedBy)
ON CONFLICT (incident_id, resident_id) DO NOTHING;

-- name: linked
-- The residents linked to an incident.
SELECT r.id, r.name, to_char(r.birth_date, 'YYYY-MM-DD') AS birth_date, r.groups, r.flags, r.team_name, r.team_phone, l.matched_by
  FROM register_incident_links l JOIN register_residents r ON r.id = l.resident_id
 WHERE l.incident_id = :incidentId
 ORDER BY r.name, r.id;

-- name: incidentExists
-- With the centres the incident is of (the policy's resource, issue 15): its own and those whose vehicles help on it.
SELECT i.id, array_remove(ARRAY[i.centre_id] || ARRAY(SELECT DISTINCT h.help_from_centre_id FROM assignments h WHERE h.incident_id = i.id), NULL) AS centres FROM incidents i WHERE i.id = :id;

-- name: assignmentIncident
SELECT a.incident_id, a.vehicle_id, array_remove(ARRAY[i.centre_id] || ARRAY(SELECT DISTINCT h.help_from_centre_id FROM assignments h WHERE h.incident_id = i.id), NULL) AS centres FROM assignments a JOIN incidents i ON i.id = a.incident_id WHERE a.id = :id;

-- name: noticeIncident
SELECT n.incident_id, n.hospital_id, array_remove(ARRAY[i.centre_id] || ARRAY(SELECT DISTINCT h.help_from_centre_id FROM assignments h WHERE h.incident_id = i.id), NULL) AS centres FROM hospital_notices n JOIN incidents i ON i.id = n.incident_id WHERE n.id = :id;

-- name: page
-- Sorted by :sort ("-" first: descending), then by record id; :pattern searches name, record id and address, :digits the phone.
WITH matched AS (
  SELECT id, record_id, source, name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, phone, address, groups, flags, team_name, team_phone, updated_at,
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'name' THEN name WHEN 'recordId' THEN record_id END ASC NULLS LAST,
           CASE :sort WHEN '-name' THEN name WHEN '-recordId' THEN record_id END DESC NULLS LAST,
           CASE WHEN :sort = 'updatedAt' THEN updated_at END ASC,
           CASE WHEN :sort = '-updatedAt' THEN updated_at END DESC,
           record_id) AS n
    FROM register_residents
   WHERE (:pattern::text IS NULL OR name ILIKE :pattern OR record_id ILIKE :pattern OR address ILIKE :pattern
          OR (:digits::text IS NOT NULL AND phone_key(phone) LIKE '%' || :digits || '%'))
     AND (:flag::text IS NULL OR :flag = ANY (flags))
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;

-- name: followUps
SELECT f.id, f.status, f.incident_id, i.number, i.closed_at, i.category, f.created_at, f.sent_at,
       r.id AS resident_id, r.record_id, r.name, r.team_name, r.team_phone
  FROM register_follow_ups f
  JOIN incidents i ON i.id = f.incident_id
  JOIN register_residents r ON r.id = f.resident_id
 WHERE (:status::text IS NULL OR f.status = :status)
   -- A centre's supervisor: its centre's incidents' follow-ups (and those its vehicles helped on); the province: all.
   AND (:centreId::uuid IS NULL OR i.centre_id = :centreId
        OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.help_from_centre_id = :centreId))
 ORDER BY f.created_at, f.id
 LIMIT :limit;

-- name: markSent
UPDATE register_follow_ups SET status = 'sent', sent_at = now(), sent_by = :userId
 WHERE id = ANY (:ids::uuid[]) AND status = 'pending'
RETURNING id;

-- name: known
SELECT f.id, array_remove(ARRAY[i.centre_id] || ARRAY(SELECT DISTINCT h.help_from_centre_id FROM assignments h WHERE h.incident_id = i.id), NULL) AS centres FROM register_follow_ups f JOIN incidents i ON i.id = f.incident_id WHERE f.id = ANY (:ids::uuid[]);
