-- name: listMembers
SELECT id, name, crew_role AS "crewRole", phone, station_id AS "stationId" FROM crew_members ORDER BY name;

-- name: insertMember
INSERT INTO crew_members (name, crew_role, phone, station_id) VALUES (:name, :crewRole, :phone, :stationId)
RETURNING id, name, crew_role AS "crewRole", phone, station_id AS "stationId";

-- name: listShifts
-- With an instant, the shifts it falls in; with a period (a roster's week), those overlapping it; without either, the
-- shifts not over yet. :vehicleId keeps one vehicle's.
SELECT id, vehicle_id AS "vehicleId", starts_at AS "startsAt", ends_at AS "endsAt", member_ids AS "memberIds" FROM shifts
 WHERE CASE
         WHEN :at::timestamptz IS NOT NULL THEN :at >= starts_at AND :at < ends_at
         WHEN :from::timestamptz IS NOT NULL OR :to::timestamptz IS NOT NULL
           THEN ends_at > coalesce(:from, '-infinity') AND starts_at < coalesce(:to, 'infinity')
         ELSE ends_at > now()
       END
   AND (:vehicleId::uuid IS NULL OR vehicle_id = :vehicleId)
 ORDER BY starts_at;

-- name: unknownMembers
-- member_ids is an array, which no foreign key checks: the ids given that are no crew member.
SELECT unnest(:memberIds::uuid[]) AS id EXCEPT SELECT id FROM crew_members;

-- name: insertShift
INSERT INTO shifts (vehicle_id, starts_at, ends_at, member_ids) VALUES (:vehicleId, :startsAt, :endsAt, :memberIds)
RETURNING id, vehicle_id AS "vehicleId", starts_at AS "startsAt", ends_at AS "endsAt", member_ids AS "memberIds";
