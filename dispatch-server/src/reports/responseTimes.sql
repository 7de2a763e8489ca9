-- name: breakdown
-- The response-time breakdown of the calls received in [from, to), grouped by :by (station, vehicle, category, day,
-- week, month; periods start at midnight in :timeZone), with each interval's count, median and 90th percentile in s:
--   answer          ring -> answer                 (once per call)
--   callToDispatch  answer -> first vehicle sent   (once per call, NFPA 1225's interval)
--   turnout         dispatch -> en route           (each vehicle sent; 3分钟出车)
--   travel          en route -> on scene
--   onScene         on scene -> left scene (transporting)
--   transport       transporting -> at hospital
--   handover        at hospital -> handover (transfer of care)
-- Re-offered assignments (timed out) are not responses. A call no vehicle went to groups under station/vehicle 'none'.
-- Answer times come from the phone system when a call the PBX reported (phone_calls, created the incident) was
-- answered; otherwise from the dispatcher (typed in the intake, or the intake's own moment).
WITH calls AS (
  SELECT i.id, i.category, i.call_received_at, coalesce(i.call_answered_at, i.created_at) AS answered_at,
         EXISTS (SELECT 1 FROM phone_calls pc
                  WHERE pc.incident_id = i.id AND pc.incident_link = 'created' AND pc.answered_at IS NOT NULL) AS phone_answer
    FROM incidents i
   WHERE i.call_received_at >= :from AND i.call_received_at < :to
     AND (:centreId::uuid IS NULL OR i.centre_id = :centreId)
), responses AS (
  SELECT c.*, a.id AS assignment_id, a.vehicle_id, v.call_sign, v.home_station_id, s.name AS station_name, s.name_en AS station_name_en,
         a.dispatched_at, a.en_route_at, a.on_scene_at, a.transporting_at, a.at_hospital_at, a.handover_at,
         row_number() OVER (PARTITION BY c.id ORDER BY a.dispatched_at NULLS LAST, a.id) = 1 AS first_of_call
    FROM calls c
    LEFT JOIN assignments a ON a.incident_id = c.id AND a.status <> 'timed_out'
    LEFT JOIN vehicles v ON v.id = a.vehicle_id
    LEFT JOIN stations s ON s.id = v.home_station_id
), keyed AS (
  SELECT r.*,
         CASE :by
           WHEN 'station' THEN coalesce(r.home_station_id::text, 'none')
           WHEN 'vehicle' THEN coalesce(r.vehicle_id::text, 'none')
           WHEN 'category' THEN r.category
           ELSE to_char(date_trunc(:by, r.call_received_at AT TIME ZONE :timeZone), 'YYYY-MM-DD')
         END AS key,
         CASE :by WHEN 'station' THEN r.station_name WHEN 'vehicle' THEN r.call_sign END AS label,
         CASE :by WHEN 'station' THEN r.station_name_en WHEN 'vehicle' THEN r.call_sign END AS label_en
    FROM responses r
), spans AS (
  SELECT k.key, x.name, x.seconds
    FROM keyed k
   CROSS JOIN LATERAL (VALUES
     ('answer', CASE WHEN k.first_of_call THEN extract(epoch FROM k.answered_at - k.call_received_at) END),
     ('callToDispatch', CASE WHEN k.first_of_call THEN extract(epoch FROM k.dispatched_at - k.answered_at) END),
     ('turnout', extract(epoch FROM k.en_route_at - k.dispatched_at)),
     ('travel', extract(epoch FROM k.on_scene_at - k.en_route_at)),
     ('onScene', extract(epoch FROM k.transporting_at - k.on_scene_at)),
     ('transport', extract(epoch FROM k.at_hospital_at - k.transporting_at)),
     ('handover', extract(epoch FROM k.handover_at - k.at_hospital_at))
   ) AS x(name, seconds)
   WHERE x.seconds IS NOT NULL
), stats AS (
  SELECT key, json_object_agg(name, json_build_object('n', n, 'p50', p50, 'p90', p90)) AS intervals
    FROM (SELECT key, name, count(*)::int AS n,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds::float8) AS p50,
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds::float8) AS p90
            FROM spans GROUP BY key, name) s
   GROUP BY key
), groups AS (
  SELECT key, min(label) AS label, min(label_en) AS label_en, count(DISTINCT id)::int AS incidents,
         count(assignment_id)::int AS responses,
         count(*) FILTER (WHERE first_of_call AND phone_answer)::int AS phone_answers,
         count(*) FILTER (WHERE first_of_call AND NOT phone_answer)::int AS dispatcher_answers
    FROM keyed GROUP BY key
)
SELECT g.key, g.label, g.label_en AS "labelEn", g.incidents, g.responses,
       json_build_object('phone', g.phone_answers, 'dispatcher', g.dispatcher_answers) AS "answerSources",
       coalesce(s.intervals, '{}'::json) AS intervals
  FROM groups g LEFT JOIN stats s USING (key)
 ORDER BY g.key = 'none', CASE WHEN :by IN ('day', 'week', 'month', 'category') THEN g.key END, g.label, g.key;
