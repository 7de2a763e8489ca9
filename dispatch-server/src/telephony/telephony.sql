-- name: lockByPbxId
-- The call as it was before an event: the event's effect is what changed.
SELECT id FROM phone_calls WHERE pbx_call_id = :pbxCallId FOR UPDATE;

-- name: record
-- Every time is the first one reported (a replay or a late event never moves or clears one); the caller's location is
-- replaced only by a newer fix (a handset sends AML again as its fix improves). The centre is the line's, fixed by the
-- first event. A line no centre names rings the default centre rather than being refused: a refused PBX event is a
-- 120 call no one sees, while a call at the wrong centre is still heard (and by the province room), and a
-- single-centre deployment never has to configure a line.
INSERT INTO phone_calls AS c (pbx_call_id, line_id, caller_phone, ringing_at, answered_at, ended_at, location, location_radius_m,
                              location_source, location_at, location_confidence, recording_ref, centre_id)
VALUES (:pbxCallId, :lineId, :callerPhone,
        CASE WHEN :event = 'ringing' THEN :at::timestamptz END,
        CASE WHEN :event = 'answered' THEN :at::timestamptz END,
        CASE WHEN :event = 'ended' THEN :at::timestamptz END,
        CASE WHEN :lon::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
        :radiusM, :source, :locationAt::timestamptz, :confidence, :recordingRef,
        coalesce((SELECT l.centre_id FROM phone_lines l WHERE l.line_id = :lineId), 'c0000000-0000-4000-8000-000000000001'))
ON CONFLICT (pbx_call_id) DO UPDATE SET
  caller_phone = coalesce(c.caller_phone, EXCLUDED.caller_phone),
  ringing_at = coalesce(c.ringing_at, EXCLUDED.ringing_at),
  answered_at = coalesce(c.answered_at, EXCLUDED.answered_at),
  ended_at = coalesce(c.ended_at, EXCLUDED.ended_at),
  location = CASE WHEN EXCLUDED.location IS NOT NULL AND (c.location IS NULL OR EXCLUDED.location_at > c.location_at) THEN EXCLUDED.location ELSE c.location END,
  location_radius_m = CASE WHEN EXCLUDED.location IS NOT NULL AND (c.location IS NULL OR EXCLUDED.location_at > c.location_at) THEN EXCLUDED.location_radius_m ELSE c.location_radius_m END,
  location_source = CASE WHEN EXCLUDED.location IS NOT NULL AND (c.location IS NULL OR EXCLUDED.location_at > c.location_at) THEN EXCLUDED.location_source ELSE c.location_source END,
  location_confidence = CASE WHEN EXCLUDED.location IS NOT NULL AND (c.location IS NULL OR EXCLUDED.location_at > c.location_at) THEN EXCLUDED.location_confidence ELSE c.location_confidence END,
  location_at = CASE WHEN EXCLUDED.location IS NOT NULL AND (c.location IS NULL OR EXCLUDED.location_at > c.location_at) THEN EXCLUDED.location_at ELSE c.location_at END,
  recording_ref = coalesce(c.recording_ref, EXCLUDED.recording_ref),
  updated_at = now()
RETURNING id;

-- name: present
-- Calls by id, or of one incident, or those that rang within :minutes and became no incident yet; of one centre, or
-- of every centre (:centreId NULL).
SELECT c.id, c.pbx_call_id AS "pbxCallId", c.line_id AS "lineId", c.centre_id AS "centreId",
       CASE WHEN c.ended_at IS NOT NULL THEN 'ended' WHEN c.answered_at IS NOT NULL THEN 'answered' ELSE 'ringing' END AS state,
       c.caller_phone AS "callerPhone", c.ringing_at AS "ringingAt", c.answered_at AS "answeredAt", c.ended_at AS "endedAt",
       CASE WHEN c.location IS NULL THEN NULL ELSE json_build_object(
         'lon', ST_X(c.location), 'lat', ST_Y(c.location), 'radiusM', c.location_radius_m, 'source', c.location_source,
         'at', c.location_at, 'confidence', c.location_confidence) END AS location,
       c.recording_ref AS "recordingRef", c.incident_id AS "incidentId", i.number AS "incidentNumber", c.incident_link AS "incidentLink"
  FROM phone_calls c LEFT JOIN incidents i ON i.id = c.incident_id
 WHERE (:ids::uuid[] IS NULL OR c.id = ANY(:ids::uuid[]))
   AND (:incidentId::uuid IS NULL OR c.incident_id = :incidentId::uuid)
   AND (:minutes::int IS NULL OR (c.incident_id IS NULL AND coalesce(c.ringing_at, c.answered_at, c.created_at) > now() - make_interval(mins => :minutes::int)))
   AND (:centreId::uuid IS NULL OR c.centre_id = :centreId::uuid)
 ORDER BY coalesce(c.ringing_at, c.answered_at, c.created_at);

-- name: lockForLink
SELECT c.id, c.centre_id, c.caller_phone, c.ringing_at, c.answered_at, c.incident_id, c.incident_link, i.number AS incident_number
  FROM phone_calls c LEFT JOIN incidents i ON i.id = c.incident_id
 WHERE c.id = :id
   FOR UPDATE OF c;

-- name: link
UPDATE phone_calls SET incident_id = :incidentId, incident_link = :link, linked_by = :userId, linked_at = now(), updated_at = now()
 WHERE id = :id AND incident_id IS NULL;

-- name: followUpEvent
-- The timeline entry that recorded a call as a follow-up of this incident.
SELECT id FROM status_events WHERE incident_id = :incidentId AND phone_call_id = :phoneCallId AND status = 'call_follow_up';

-- name: related
-- Open incidents that may be the emergency being called in again: the same number, close in place and time, the same
-- address (or the same gazetteer place when either side has no address); of one centre, or of every centre (:centreId NULL).
WITH q AS (
  SELECT phone_key(:callerPhone) AS phone,
         CASE WHEN :lon::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography END AS at,
         coalesce(:radiusM::float8, 0) AS radius,
         nullif(lower(regexp_replace(coalesce(:address, ''), '\s', '', 'g')), '') AS address,
         nullif(:placeName, '') AS place
), scored AS (
  SELECT i.id,
         array_remove(ARRAY[
           CASE WHEN q.phone IS NOT NULL AND phone_key(i.caller_phone) = q.phone THEN 'same_caller' END,
           CASE WHEN q.at IS NOT NULL AND ST_DWithin(i.location::geography, q.at, :nearbyM + q.radius)
                     AND i.call_received_at > now() - make_interval(mins => :nearbyMinutes) THEN 'nearby' END,
           CASE WHEN (q.address IS NOT NULL AND lower(regexp_replace(i.address, '\s', '', 'g')) = q.address)
                  OR (q.place IS NOT NULL AND p.name = q.place AND (q.address IS NULL OR i.address IS NULL)) THEN 'same_address' END
         ], NULL) AS reasons,
         CASE WHEN q.at IS NULL THEN NULL ELSE ST_Distance(i.location::geography, q.at) END AS distance_m,
         i.call_received_at
    FROM incidents i CROSS JOIN q LEFT JOIN places p ON p.id = i.place_id
   WHERE i.status IN ('open', 'queued', 'assigned') AND (:excludeId::uuid IS NULL OR i.id <> :excludeId::uuid)
     AND (:centreId::uuid IS NULL OR i.centre_id = :centreId::uuid)
)
SELECT id, reasons, distance_m AS "distanceM" FROM scored
 WHERE cardinality(reasons) > 0
 ORDER BY cardinality(reasons) DESC, distance_m NULLS LAST, call_received_at DESC
 LIMIT 10;

-- name: history
-- The number's incidents, newest first, with how each ended: its last vehicle's last step, or its own status; of one
-- centre, or of every centre (:centreId NULL).
SELECT i.id AS "incidentId", i.number, i.call_received_at AS "callReceivedAt", i.address, p.name AS "placeName", i.category, i.status,
       (SELECT a.status FROM assignments a WHERE a.incident_id = i.id ORDER BY a.created_at DESC LIMIT 1) AS outcome,
       i.cancelled_reason AS "cancelledReason"
  FROM incidents i LEFT JOIN places p ON p.id = i.place_id
 WHERE phone_key(i.caller_phone) = phone_key(:callerPhone) AND (:excludeId::uuid IS NULL OR i.id <> :excludeId::uuid)
   AND (:centreId::uuid IS NULL OR i.centre_id = :centreId::uuid)
 ORDER BY i.call_received_at DESC
 LIMIT 10;

-- name: lateAnswer
-- An incident taken from a call before the phone system's answer event arrived took the server's clock: the PBX's
-- answer time replaces it once it comes (never one before the ring).
UPDATE incidents i SET call_answered_at = c.answered_at
  FROM phone_calls c
 WHERE c.id = :id AND c.incident_link = 'created' AND i.id = c.incident_id AND c.answered_at >= i.call_received_at
RETURNING i.id;
