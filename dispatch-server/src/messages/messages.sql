-- name: task
SELECT a.id, a.incident_id, a.vehicle_id, a.status, a.ended_at FROM assignments a WHERE a.id = :id;

-- name: insert
-- A replay of the same id stores nothing (the caller reads the stored one).
INSERT INTO task_messages (id, incident_id, assignment_id, author_user_id, side, body, quick_reply, device_time)
VALUES (:id, :incidentId, :assignmentId, :userId, :side, :body, :quickReply, :deviceTime)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: list
-- As the clients receive them: the author by display name, oldest first.
SELECT m.id, m.incident_id AS "incidentId", m.assignment_id AS "assignmentId", m.side,
       coalesce(nullif(u.display_name, ''), u.username) AS author, m.body AS text, m.quick_reply AS "quickReply",
       m.device_time AS "deviceTime", m.received_at AS "receivedAt"
  FROM task_messages m LEFT JOIN users u ON u.id = m.author_user_id
 WHERE (:assignmentId::uuid IS NULL OR m.assignment_id = :assignmentId::uuid) AND (:id::uuid IS NULL OR m.id = :id::uuid)
 ORDER BY m.received_at, m.id;
