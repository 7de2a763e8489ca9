-- name: search
-- Incidents whose call was received in [from, to), newest first, one page, with the number of all that match.
-- :place is a LIKE pattern (its wildcards escaped by the caller) matched against the address and the place's names;
-- :phoneDigits is matched against the caller's number with everything but its digits taken out.
WITH found AS (
  SELECT i.id, i.number, i.status, i.category, i.priority, i.address, p.name AS place_name, p.name_en AS place_name_en,
         i.caller_phone, i.call_received_at, i.call_answered_at, i.closed_at,
         EXISTS (SELECT 1 FROM phone_calls pc
                  WHERE pc.incident_id = i.id AND pc.incident_link = 'created' AND pc.answered_at IS NOT NULL) AS phone_answer
    FROM incidents i LEFT JOIN places p ON p.id = i.place_id
   WHERE i.call_received_at >= :from AND i.call_received_at < :to
     AND (:category::text IS NULL OR i.category = :category)
     AND (:place::text IS NULL OR i.address ILIKE :place OR p.name ILIKE :place OR p.name_en ILIKE :place)
     AND (:vehicleId::uuid IS NULL OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.vehicle_id = :vehicleId))
     AND (:phoneDigits::text IS NULL OR regexp_replace(coalesce(i.caller_phone, ''), '[^0-9]', '', 'g') LIKE '%' || :phoneDigits || '%')
     AND (:centreId::uuid IS NULL OR i.centre_id = :centreId
          OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.help_from_centre_id = :centreId))
), page AS (
  SELECT * FROM found ORDER BY call_received_at DESC, number DESC LIMIT :limit OFFSET :offset
)
SELECT (SELECT count(*)::int FROM found) AS total,
       coalesce((SELECT json_agg(json_build_object(
                  'id', f.id, 'number', f.number, 'status', f.status, 'category', f.category, 'priority', f.priority,
                  'address', f.address, 'placeName', f.place_name, 'placeNameEn', f.place_name_en, 'callerPhone', f.caller_phone,
                  'callReceivedAt', f.call_received_at, 'callAnsweredAt', f.call_answered_at, 'closedAt', f.closed_at,
                  'answerSource', CASE WHEN f.phone_answer THEN 'phone' ELSE 'dispatcher' END,
                  'vehicles', (SELECT coalesce(json_agg(v.call_sign ORDER BY a.dispatched_at), '[]'::json)
                                 FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.incident_id = f.id))
                  ORDER BY f.call_received_at DESC, f.number DESC)
                  FROM page f), '[]'::json) AS items;

-- name: track
-- Each vehicle's fixes from its dispatch to its release (or now, while it works), joined into the line it drove.
SELECT a.id AS "assignmentId", v.call_sign AS "callSign", a.dispatched_at AS "from", coalesce(a.ended_at, now()) AS "to",
       count(p.device_time)::int AS points,
       CASE WHEN count(p.device_time) >= 2 THEN ST_AsGeoJSON(ST_MakeLine(p.location ORDER BY p.device_time), 6)::json END AS line
  FROM assignments a
  JOIN vehicles v ON v.id = a.vehicle_id
  LEFT JOIN vehicle_positions p
         ON p.vehicle_id = a.vehicle_id AND p.device_time >= a.dispatched_at AND p.device_time <= coalesce(a.ended_at, now())
 WHERE a.incident_id = :id
 GROUP BY a.id, v.call_sign
 ORDER BY a.dispatched_at;

-- name: answerSource
SELECT CASE WHEN EXISTS (SELECT 1 FROM phone_calls pc
                          WHERE pc.incident_id = i.id AND pc.incident_link = 'created' AND pc.answered_at IS NOT NULL)
            THEN 'phone' ELSE 'dispatcher' END AS "answerSource"
  FROM incidents i WHERE i.id = :id;
