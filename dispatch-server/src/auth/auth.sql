-- name: findByUsername
SELECT id, username, display_name, password_hash, role, vehicle_id, hospital_id, disabled, must_change_password, demo_password
  FROM users WHERE username = $1;

-- name: findById
SELECT id, username, display_name, password_hash, role, vehicle_id, hospital_id, disabled, must_change_password, demo_password
  FROM users WHERE id = $1;

-- name: setPassword
-- A password set by its owner is neither temporary nor a demo one any more.
UPDATE users SET password_hash = $2, must_change_password = $3, demo_password = false WHERE id = $1;
