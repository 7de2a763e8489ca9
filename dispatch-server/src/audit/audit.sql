-- name: append
INSERT INTO audit_log (actor_user_id, actor_username, actor_role, action, entity_type, entity_id, details, remote_addr)
VALUES (:actorUserId, :actorUsername, :actorRole, :action, :entityType, :entityId, :details, :remoteAddr);

-- name: list
SELECT id, at, json_build_object('userId', actor_user_id, 'username', actor_username, 'role', actor_role) AS actor, action,
       entity_type AS "entityType", entity_id AS "entityId", details, remote_addr AS "remoteAddr"
  FROM audit_log
 WHERE (:entityType::text IS NULL OR entity_type = :entityType)
   AND (:entityId::text IS NULL OR entity_id = :entityId)
   AND (:since::timestamptz IS NULL OR at >= :since)
 ORDER BY id DESC
 LIMIT :limit;
