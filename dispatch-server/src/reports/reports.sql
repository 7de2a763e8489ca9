-- name: quality
-- Chinese 120 indicators and NFPA 1225 over the calls received in [from, to):
--   answered within 10 s (接听及时率, target >= 95%), 3-minute turnout (3分钟出车率: dispatched -> en route, >= 95%),
--   answer -> dispatch within 60 s (NFPA 1225, >= 90%), 90th percentile response (call received -> on scene).
-- Each incident counts once, by its first dispatched vehicle.
WITH first_assignment AS (
  SELECT DISTINCT ON (a.incident_id) a.incident_id, a.dispatched_at, a.en_route_at, a.on_scene_at
    FROM assignments a
   WHERE a.status <> 'timed_out'
   ORDER BY a.incident_id, a.dispatched_at
), calls AS (
  SELECT i.id, i.priority, i.call_received_at, coalesce(i.call_answered_at, i.created_at) AS answered_at,
         -- The answer time's source: the phone system (the PBX's answered call made the incident), else the dispatcher.
         EXISTS (SELECT 1 FROM phone_calls pc
                  WHERE pc.incident_id = i.id AND pc.incident_link = 'created' AND pc.answered_at IS NOT NULL) AS phone_answer,
         f.dispatched_at, f.en_route_at, f.on_scene_at
    FROM incidents i LEFT JOIN first_assignment f ON f.incident_id = i.id
   WHERE i.call_received_at >= :from AND i.call_received_at < :to
     AND (:centreId::uuid IS NULL OR i.centre_id = :centreId)
     -- A transfer between hospitals is no call: nobody rang, its "answer" is the moment it was due.
     AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.incident_id = i.id)
)
SELECT count(*)::int AS calls,
       count(*) FILTER (WHERE phone_answer)::int AS phone_answers,
       count(*) FILTER (WHERE answered_at - call_received_at <= interval '10 seconds')::int AS answered_within_10s,
       count(dispatched_at)::int AS dispatched,
       count(*) FILTER (WHERE dispatched_at - answered_at <= interval '60 seconds')::int AS dispatched_within_60s,
       count(en_route_at)::int AS turned_out,
       count(*) FILTER (WHERE en_route_at - dispatched_at <= interval '3 minutes')::int AS turned_out_within_3min,
       count(on_scene_at)::int AS arrived,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM on_scene_at - call_received_at))
         FILTER (WHERE on_scene_at IS NOT NULL) AS response_p90_s,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM on_scene_at - call_received_at))
         FILTER (WHERE on_scene_at IS NOT NULL) AS response_p50_s,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM on_scene_at - call_received_at))
         FILTER (WHERE on_scene_at IS NOT NULL AND priority = 1) AS response_p90_priority1_s
  FROM calls;
