-- name: insert
INSERT INTO transfers (from_hospital_id, to_hospital_id, direction, category, priority, patient_summary, needs, green_channel,
                       scheduled_at, requested_by)
VALUES (:fromHospitalId, :toHospitalId, :direction, :category, :priority, :patientSummary, :needs, :greenChannel,
        :scheduledAt, :userId)
RETURNING id;

-- name: hospitals
-- The two hospitals of a request (kind: a village clinic neither sends nor receives transfers).
SELECT id, kind FROM hospitals WHERE id = ANY(:ids::uuid[]);

-- name: lock
-- With the two hospitals' centres: a transfer is of both (policy resource).
SELECT t.id, t.number, t.from_hospital_id, t.to_hospital_id, t.status, t.scheduled_at, t.incident_id, t.category, t.priority,
       t.patient_summary, t.needs, i.status AS incident_status,
       ARRAY[(SELECT h.centre_id FROM hospitals h WHERE h.id = t.from_hospital_id),
             (SELECT h.centre_id FROM hospitals h WHERE h.id = t.to_hospital_id)] AS centres,
       EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = t.incident_id AND a.ended_at IS NULL) AS dispatched
  FROM transfers t LEFT JOIN incidents i ON i.id = t.incident_id
 WHERE t.id = :id
   FOR UPDATE OF t;

-- name: respond
UPDATE transfers SET status = :status, reason = :reason, responded_by = :userId, responded_at = now() WHERE id = :id;

-- name: cancel
UPDATE transfers SET status = 'cancelled', reason = :reason, cancelled_by = :userId, cancelled_at = now() WHERE id = :id;

-- name: setIncident
UPDATE transfers SET incident_id = :incidentId WHERE id = :id;

-- name: centres
-- The centres of a transfer's hospitals (the policy's resource: a transfer is of both).
SELECT DISTINCT centre_id FROM hospitals WHERE id = ANY(:ids::uuid[]);

-- name: sender
-- Where the vehicle picks the patient up, and the number the crew can call.
SELECT h.name, h.phone, ST_X(h.location) AS lon, ST_Y(h.location) AS lat
  FROM hospitals h WHERE h.id = :id;

-- name: fixedDestination
-- A transfer's incident goes to the hospital that accepted it.
SELECT t.to_hospital_id, h.name FROM transfers t JOIN hospitals h ON h.id = t.to_hospital_id WHERE t.incident_id = :incidentId;

-- name: pendingDue
-- Accepted and not yet queued: the due timers the database says must exist.
SELECT id, scheduled_at FROM transfers WHERE status = 'accepted' AND incident_id IS NULL;

-- name: present
-- Both hospitals' view: the request, the answer, and where the dispatch of it is (the incident's live task).
SELECT t.id, t.number, t.direction, t.needs, t.green_channel AS "greenChannel",
       json_build_object('id', hf.id, 'name', hf.name, 'nameEn', hf.name_en) AS "from",
       json_build_object('id', ht.id, 'name', ht.name, 'nameEn', ht.name_en) AS "to",
       t.status, t.category, t.priority, t.patient_summary AS "patientSummary", t.scheduled_at AS "scheduledAt",
       coalesce(t.reason, i.cancelled_reason) AS reason, t.requested_at AS "requestedAt", t.responded_at AS "respondedAt",
       t.incident_id AS "incidentId", i.number AS "incidentNumber", v.call_sign AS "vehicleCallSign",
       CASE
         WHEN t.status <> 'accepted' THEN t.status
         WHEN i.id IS NULL THEN 'scheduled'
         WHEN i.status = 'cancelled' THEN 'cancelled'
         WHEN i.status = 'closed' THEN 'completed'
         WHEN a.id IS NULL THEN 'queued'
         WHEN a.status IN ('dispatched', 'acknowledged', 'en_route') THEN 'dispatched'
         WHEN a.status IN ('on_scene', 'at_patient') THEN 'at_pickup'
         WHEN a.status = 'transporting' THEN 'transporting'
         ELSE 'arrived'
       END AS phase,
       CASE
         WHEN a.status IN ('dispatched', 'acknowledged', 'en_route') AND a.route_eta_s IS NOT NULL
           THEN a.dispatched_at + make_interval(secs => a.route_eta_s)
         WHEN a.status = 'transporting'
           THEN (SELECT n.eta_at FROM hospital_notices n WHERE n.assignment_id = a.id ORDER BY n.sent_at DESC LIMIT 1)
       END AS "etaAt"
  FROM transfers t
  JOIN hospitals hf ON hf.id = t.from_hospital_id
  JOIN hospitals ht ON ht.id = t.to_hospital_id
  LEFT JOIN incidents i ON i.id = t.incident_id
  -- The task that carries it: the latest one not withdrawn.
  LEFT JOIN LATERAL (
    SELECT * FROM assignments x WHERE x.incident_id = i.id AND x.status NOT IN ('cancelled', 'timed_out') ORDER BY x.created_at DESC LIMIT 1
  ) a ON true
  LEFT JOIN vehicles v ON v.id = a.vehicle_id
 WHERE t.id = ANY(:ids::uuid[])
 ORDER BY coalesce(t.scheduled_at, t.requested_at);

-- name: listIds
-- A hospital's own (sent or received); a centre's staff those sending from or to a hospital of the centre; every one
-- for the province: the open ones and those finished lately.
SELECT t.id FROM transfers t LEFT JOIN incidents i ON i.id = t.incident_id
 WHERE (:hospitalId::uuid IS NULL OR t.from_hospital_id = :hospitalId OR t.to_hospital_id = :hospitalId)
   AND (:centreId::uuid IS NULL
        OR EXISTS (SELECT 1 FROM hospitals h WHERE h.id IN (t.from_hospital_id, t.to_hospital_id) AND h.centre_id = :centreId))
   AND (t.status = 'requested'
        OR (t.status = 'accepted' AND (i.id IS NULL OR i.status IN ('open', 'queued', 'assigned') OR i.closed_at > now() - interval '12 hours'))
        OR greatest(t.responded_at, t.cancelled_at) > now() - interval '12 hours')
 ORDER BY coalesce(t.scheduled_at, t.requested_at)
 LIMIT 200;

-- name: demoSeed
-- npm start's demo: a request up from a township health centre awaiting the county hospital's answer, and a referral
-- back down accepted for later (its timer is armed by the reconciliation at start); only into a county without any.
WITH h AS (
  SELECT (SELECT id FROM hospitals WHERE code = 'JX-RMYY') AS county,
         (SELECT id FROM hospitals WHERE code = 'JX-WSY-01') AS township1,
         (SELECT id FROM hospitals WHERE code = 'JX-WSY-02') AS township2
), seeded AS (
  INSERT INTO transfers (from_hospital_id, to_hospital_id, direction, category, priority, patient_summary, needs, green_channel,
                         scheduled_at, status, responded_at)
  SELECT township1, county, 'up', 'chest_pain', 2, '男 62岁 胸痛 2 小时, 心电图 ST 段抬高（演示数据）', '{monitoring,escort}'::text[], true, NULL::timestamptz, 'requested', NULL::timestamptz
    FROM h WHERE county IS NOT NULL AND township1 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transfers)
  UNION ALL
  SELECT county, township2, 'down', 'stroke', 4, '女 70岁 脑梗恢复期, 转回乡镇康复（演示数据）', '{}'::text[], false, now() + interval '3 hours', 'accepted', now()
    FROM h WHERE county IS NOT NULL AND township2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transfers)
  RETURNING id
)
SELECT id FROM seeded;
