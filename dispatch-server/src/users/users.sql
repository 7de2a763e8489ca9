-- name: setDisabled
UPDATE users SET disabled = $2 WHERE id = $1
RETURNING id, username, display_name, role, vehicle_id, hospital_id, disabled;

-- name: findOne
SELECT id, username, display_name, role, vehicle_id, hospital_id, disabled FROM users WHERE id = $1;

-- name: requirePasswordChange
UPDATE users SET must_change_password = true WHERE id = $1;
