-- name: live
-- Every alert whose condition holds now, derived from the incidents, their tasks and notices (nothing to keep in step),
-- with the caller's own decision on it. :unassignedS holds the seconds a call of priority 1…4 may wait without a vehicle.
WITH waiting AS (
  SELECT i.id, i.number, i.priority, i.call_received_at,
         i.call_received_at + make_interval(secs => (:unassignedS::int[])[i.priority]) AS due_at,
         EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id) AS ever_assigned,
         -- Waiting again after a vehicle was withdrawn or timed out is a new episode, with an alert of its own (an
         -- acknowledgement of the first wait does not silence the second).
         (SELECT a.id FROM assignments a WHERE a.incident_id = i.id ORDER BY a.ended_at DESC LIMIT 1) AS last_task_id,
         (SELECT max(a.ended_at) FROM assignments a WHERE a.incident_id = i.id) AS last_ended_at
    FROM incidents i
   WHERE i.status IN ('open', 'queued')
     AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.ended_at IS NULL)
),
alerts AS (
  -- A call nobody has sent a vehicle to yet, until its limit passes.
  SELECT 'newCall:' || w.id AS id, 'newCall' AS kind, w.id AS incident_id, w.number, w.priority, w.call_received_at AS raised_at, NULL::text AS subject
    FROM waiting w WHERE NOT w.ever_assigned AND w.due_at > now()
  UNION ALL
  -- Past its limit without a vehicle (also after a crew let it time out, or a vehicle was withdrawn).
  SELECT 'unassigned:' || coalesce(w.last_task_id, w.id), 'unassigned', w.id, w.number, w.priority, greatest(w.due_at, w.last_ended_at), NULL
    FROM waiting w WHERE w.due_at <= now()
  UNION ALL
  -- A crew let its acknowledgement deadline pass: while the incident is not finished.
  SELECT 'ackOverdue:' || a.id, 'ackOverdue', i.id, i.number, i.priority, coalesce(a.ended_at, a.created_at), v.call_sign
    FROM assignments a JOIN incidents i ON i.id = a.incident_id JOIN vehicles v ON v.id = a.vehicle_id
   WHERE a.status = 'timed_out' AND i.status IN ('open', 'queued', 'assigned')
  UNION ALL
  -- The system (no dispatcher) offered the call to the next vehicle after a time-out: while that task lasts.
  SELECT 'reoffer:' || a.id, 'reoffer', i.id, i.number, i.priority, coalesce(a.dispatched_at, a.created_at), v.call_sign
    FROM assignments a JOIN incidents i ON i.id = a.incident_id JOIN vehicles v ON v.id = a.vehicle_id
   WHERE a.assigned_by IS NULL AND a.ended_at IS NULL AND i.status IN ('open', 'queued', 'assigned')
     AND EXISTS (SELECT 1 FROM assignments t WHERE t.incident_id = i.id AND t.status = 'timed_out')
  UNION ALL
  -- A hospital did not acknowledge its notice: until it does, the notice ends or the incident is finished.
  SELECT 'escalation:' || n.id, 'escalation', i.id, i.number, i.priority, coalesce(n.escalated_at, n.sent_at), h.name
    FROM hospital_notices n JOIN incidents i ON i.id = n.incident_id JOIN hospitals h ON h.id = n.hospital_id
   WHERE n.status = 'escalated' AND i.status IN ('open', 'queued', 'assigned')
)
SELECT al.id, al.kind, al.incident_id AS "incidentId", al.number::int AS "incidentNumber", al.priority::int AS priority,
       al.raised_at AS "raisedAt", al.subject, coalesce(s.state, 'active') AS state
  FROM alerts al
  LEFT JOIN alert_states s ON s.alert_id = al.id AND s.user_id = :userId::uuid
 WHERE (:incidentId::uuid IS NULL OR al.incident_id = :incidentId::uuid)
   -- A dispatcher of one centre (issue 15): its centre's incidents and those its vehicles help on.
   AND (:centreId::uuid IS NULL OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = al.incident_id AND i.centre_id = :centreId)
        OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = al.incident_id AND a.help_from_centre_id = :centreId))
 ORDER BY al.raised_at, al.id;

-- name: setState
INSERT INTO alert_states (user_id, alert_id, state) VALUES (:userId, :alertId, :state)
ON CONFLICT (user_id, alert_id) DO UPDATE SET state = excluded.state, set_at = now();

-- name: clearState
DELETE FROM alert_states WHERE user_id = :userId AND alert_id = :alertId;

-- name: waitingForFirstVehicle
-- Calls no vehicle was ever sent to: each has an `unassigned` timer while it waits (re-armed after a Redis loss).
SELECT i.id, i.priority::int AS priority, i.call_received_at
  FROM incidents i
 WHERE i.status IN ('open', 'queued') AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id);
