-- name: create
INSERT INTO sessions (id, user_id, password_change_only, expires_at, remote_addr)
VALUES (:id, :userId, :passwordChangeOnly, :expiresAt, :remoteAddr);

-- name: current
-- The vehicle as a login reads it (auth.sql): when a rostered crew's shift ends or moves, its sessions end.
SELECT u.id AS user_id, u.role, coalesce(u.vehicle_id, rostered_vehicle(u.crew_member_id)) AS vehicle_id, u.hospital_id, u.centre_id, u.disabled, s.revoked_at IS NOT NULL AS revoked, s.password_change_only
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.id = :id;

-- name: revoke
UPDATE sessions SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL;

-- name: revokeAllOfUser
UPDATE sessions SET revoked_at = now() WHERE user_id = :userId AND revoked_at IS NULL;

-- name: dropExpired
DELETE FROM sessions WHERE expires_at < now() - interval '1 day';
