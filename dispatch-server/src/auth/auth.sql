-- name: findByUsername
-- A rostered crew login's vehicle is its shift's now (migration 016's rostered_vehicle): logging in signs it on.
SELECT id, username, display_name, password_hash, role, coalesce(vehicle_id, rostered_vehicle(crew_member_id)) AS vehicle_id,
       crew_member_id, hospital_id, centre_id, disabled, must_change_password, demo_password
  FROM users WHERE username = :username;

-- name: findById
SELECT id, username, display_name, password_hash, role, coalesce(vehicle_id, rostered_vehicle(crew_member_id)) AS vehicle_id,
       crew_member_id, hospital_id, centre_id, disabled, must_change_password, demo_password
  FROM users WHERE id = :id;

-- name: setPassword
-- A password set by its owner is neither temporary nor a demo one any more.
UPDATE users SET password_hash = :passwordHash, must_change_password = :mustChange, demo_password = false WHERE id = :id;
