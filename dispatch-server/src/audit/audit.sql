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
   AND (:until::timestamptz IS NULL OR at < :until)
   AND (:actor::text IS NULL OR actor_username = :actor)
   -- An action ending in '.' names a family (incident.): its start is matched, as text, not as a pattern.
   AND (:action::text IS NULL OR action = :action OR (right(:action, 1) = '.' AND starts_with(action, :action)))
 ORDER BY id DESC
 LIMIT :limit OFFSET :offset;
