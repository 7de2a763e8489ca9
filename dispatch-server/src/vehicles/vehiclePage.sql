-- name: page
-- The fleet as vehicles.sql's list writes it, sorted by :sort ("-" first: descending; homeStation by the station's
-- code), then by call sign; :pattern searches call sign and device id, :homeStationId keeps one station's vehicles.
WITH matched AS (
  SELECT v.id, v.call_sign AS "callSign", s.centre_id AS "centreId", v.kind, v.capabilities, v.home_station_id AS "homeStationId", v.in_service AS "inService",
         v.out_of_service_reason AS "outOfServiceReason", v.device_id AS "deviceId", v.state,
         to_char(v.state_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "stateChangedAt",
         a.status AS "taskStatus", a.incident_id AS "incidentId",
         CASE WHEN p.device_time IS NOT NULL THEN json_build_object(
           'lon', ST_X(p.location), 'lat', ST_Y(p.location),
           'deviceTime', to_char(p.device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'ageSeconds', greatest(0, floor(age.s + 0.5)), 'stale', age.s > :staleAfterSeconds) END AS position,
         row_number() OVER (ORDER BY
           CASE :sort WHEN 'callSign' THEN v.call_sign WHEN 'kind' THEN v.kind WHEN 'state' THEN v.state WHEN 'homeStation' THEN s.code END ASC NULLS LAST,
           CASE :sort WHEN '-callSign' THEN v.call_sign WHEN '-kind' THEN v.kind WHEN '-state' THEN v.state WHEN '-homeStation' THEN s.code END DESC NULLS LAST,
           v.call_sign) AS n
    FROM vehicles v
    JOIN stations s ON s.id = v.home_station_id
    LEFT JOIN assignments a ON a.vehicle_id = v.id AND a.ended_at IS NULL
    LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
    CROSS JOIN LATERAL (SELECT extract(epoch FROM now() - p.device_time) AS s) age
   WHERE (:pattern::text IS NULL OR v.call_sign ILIKE :pattern OR v.device_id ILIKE :pattern)
     AND (:homeStationId::uuid IS NULL OR v.home_station_id = :homeStationId)
)
SELECT count(*)::int AS total,
       coalesce(json_agg(m ORDER BY m.n) FILTER (WHERE m.n > :offset AND m.n <= :offset + :limit), '[]') AS items
  FROM matched m;
