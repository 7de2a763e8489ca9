-- name: list
SELECT id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId", hospital_id AS "hospitalId",
       CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled FROM users ORDER BY role, username;

-- name: insert
-- A login's centre is its dispatcher's or supervisor's (null: the province); the other roles keep none.
INSERT INTO users (username, display_name, password_hash, role, vehicle_id, crew_member_id, hospital_id, centre_id)
VALUES (:username, :displayName, :passwordHash, :role, :vehicleId, :crewMemberId, :hospitalId, :centreId::uuid)
RETURNING id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId", hospital_id AS "hospitalId",
       CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled;

-- name: setDisabled
UPDATE users SET disabled = :disabled WHERE id = :id
RETURNING id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId", hospital_id AS "hospitalId",
       CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled;

-- name: findOne
SELECT id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId", hospital_id AS "hospitalId",
       CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled FROM users WHERE id = :id;

-- name: setCentre
UPDATE users SET centre_id = :centreId::uuid WHERE id = :id
RETURNING id, username, display_name AS "displayName", role, vehicle_id AS "vehicleId", crew_member_id AS "crewMemberId", hospital_id AS "hospitalId",
       CASE WHEN role IN ('dispatcher', 'supervisor') THEN centre_id END AS "centreId", disabled;

-- name: requirePasswordChange
UPDATE users SET must_change_password = true WHERE id = :id;
