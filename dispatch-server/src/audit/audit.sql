-- name: append
INSERT INTO audit_log (actor_user_id, actor_username, actor_role, action, entity_type, entity_id, details, remote_addr)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: list
SELECT id, at, actor_user_id, actor_username, actor_role, action, entity_type, entity_id, details, remote_addr
  FROM audit_log
 WHERE ($1::text IS NULL OR entity_type = $1)
   AND ($2::text IS NULL OR entity_id = $2)
   AND ($3::timestamptz IS NULL OR at >= $3)
 ORDER BY id DESC
 LIMIT $4;
