-- name: append
INSERT INTO audit_log (actor_user_id, actor_username, actor_role, action, entity_type, entity_id, details, remote_addr)
VALUES (:actorUserId, :actorUsername, :actorRole, :action, :entityType, :entityId, :details, :remoteAddr);

-- name: list
SELECT id, at, actor_user_id, actor_username, actor_role, action, entity_type, entity_id, details, remote_addr
  FROM audit_log
 WHERE (:entityType::text IS NULL OR entity_type = :entityType)
   AND (:entityId::text IS NULL OR entity_id = :entityId)
   AND (:since::timestamptz IS NULL OR at >= :since)
 ORDER BY id DESC
 LIMIT :limit;
