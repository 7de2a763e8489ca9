-- One statement per table an admin may delete rows of (the table name cannot be a parameter).

-- name: stations
DELETE FROM stations WHERE id = :id;

-- name: vehicles
DELETE FROM vehicles WHERE id = :id;

-- name: hospitals
DELETE FROM hospitals WHERE id = :id;

-- name: crew_members
DELETE FROM crew_members WHERE id = :id;

-- name: shifts
DELETE FROM shifts WHERE id = :id;

-- name: crewMemberOnShift
-- Shifts list their members in an array, which no foreign key covers.
SELECT 1 FROM shifts WHERE :id = ANY(member_ids) LIMIT 1;
