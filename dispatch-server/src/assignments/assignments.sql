-- name: lockVehicle
-- With its centre (its home station's, issue 15).
SELECT v.id, v.call_sign, v.in_service, s.centre_id
  FROM vehicles v JOIN stations s ON s.id = v.home_station_id WHERE v.id = :vehicleId FOR UPDATE OF v;

-- name: insert
INSERT INTO assignments (incident_id, vehicle_id, status, assigned_by, destination_hospital_id, help_from_centre_id, help_reason)
VALUES (:incidentId, :vehicleId, 'dispatched', :userId, :hospitalId, :helpFromCentreId, :helpReason)
RETURNING id, dispatched_at;

-- name: liveOfVehicle
SELECT a.incident_id, i.number FROM assignments a JOIN incidents i ON i.id = a.incident_id
 WHERE a.vehicle_id = :vehicleId AND a.ended_at IS NULL;

-- name: setVehicleState
-- A vehicle taken out of service meanwhile stays out of service whatever its last task did.
UPDATE vehicles SET state = CASE WHEN in_service THEN :state ELSE 'out_of_service' END, state_changed_at = now()
 WHERE id = :vehicleId AND state IS DISTINCT FROM (CASE WHEN in_service THEN :state ELSE 'out_of_service' END);

-- name: get
SELECT a.id, a.incident_id, a.vehicle_id, v.call_sign, a.status, a.destination_hospital_id, a.route_eta_s, a.route_distance_m,
       a.dispatched_at, a.acknowledged_at, a.en_route_at, a.on_scene_at, a.at_patient_at, a.transporting_at,
       a.at_hospital_at, a.handover_at, a.back_in_service_at, a.back_at_base_at, a.cancelled_at, a.ended_at, a.end_reason
  FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.id = :id;

-- name: present
-- The tasks with these ids or of these incidents as consoles and tablets receive them: each step's time under the
-- step's name, written as toISOString() writes the top-level times (json would write it otherwise).
SELECT a.id, a.incident_id AS "incidentId", a.vehicle_id AS "vehicleId", v.call_sign AS "callSign", a.status,
       a.destination_hospital_id AS "destinationHospitalId", a.route_eta_s AS "routeEtaSeconds", a.route_distance_m AS "routeDistanceM",
       (SELECT json_object_agg(step, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          FROM unnest(ARRAY['dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting', 'at_hospital',
                            'handover', 'back_in_service', 'back_at_base', 'cancelled'],
                      ARRAY[a.dispatched_at, a.acknowledged_at, a.en_route_at, a.on_scene_at, a.at_patient_at, a.transporting_at,
                            a.at_hospital_at, a.handover_at, a.back_in_service_at, a.back_at_base_at, a.cancelled_at]) AS s (step, at)
       ) AS timestamps,
       a.ended_at AS "endedAt", a.end_reason AS "endReason",
       (SELECT i.centre_id FROM incidents i WHERE i.id = a.incident_id) AS "centreId",
       a.help_from_centre_id AS "helpFromCentreId", a.help_reason AS "helpReason"
  FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id
 WHERE a.id = ANY(:ids::uuid[]) OR a.incident_id = ANY(:incidentIds::uuid[])
 ORDER BY a.created_at;

-- name: lock
SELECT a.id, a.incident_id, a.vehicle_id, v.call_sign, a.status, a.destination_hospital_id, a.route_eta_s, a.route_distance_m,
       a.dispatched_at, a.acknowledged_at, a.en_route_at, a.on_scene_at, a.at_patient_at, a.transporting_at,
       a.at_hospital_at, a.handover_at, a.back_in_service_at, a.back_at_base_at, a.cancelled_at, a.ended_at, a.end_reason
  FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.id = :id FOR UPDATE OF a;

-- name: recordStep
-- The first report of a step sets its time and a replay never moves it; a device clock running more than
-- 10 minutes ahead of ours is capped there (status_events keeps what it said). :advance moves the task to the
-- step; an :endReason also ends it (the vehicle is free).
UPDATE assignments a
   SET status = CASE WHEN :advance THEN :step ELSE a.status END,
       dispatched_at = CASE :step WHEN 'dispatched' THEN coalesce(a.dispatched_at, capped.at) ELSE a.dispatched_at END,
       acknowledged_at = CASE :step WHEN 'acknowledged' THEN coalesce(a.acknowledged_at, capped.at) ELSE a.acknowledged_at END,
       en_route_at = CASE :step WHEN 'en_route' THEN coalesce(a.en_route_at, capped.at) ELSE a.en_route_at END,
       on_scene_at = CASE :step WHEN 'on_scene' THEN coalesce(a.on_scene_at, capped.at) ELSE a.on_scene_at END,
       at_patient_at = CASE :step WHEN 'at_patient' THEN coalesce(a.at_patient_at, capped.at) ELSE a.at_patient_at END,
       transporting_at = CASE :step WHEN 'transporting' THEN coalesce(a.transporting_at, capped.at) ELSE a.transporting_at END,
       at_hospital_at = CASE :step WHEN 'at_hospital' THEN coalesce(a.at_hospital_at, capped.at) ELSE a.at_hospital_at END,
       handover_at = CASE :step WHEN 'handover' THEN coalesce(a.handover_at, capped.at) ELSE a.handover_at END,
       back_in_service_at = CASE :step WHEN 'back_in_service' THEN coalesce(a.back_in_service_at, capped.at) ELSE a.back_in_service_at END,
       back_at_base_at = CASE :step WHEN 'back_at_base' THEN coalesce(a.back_at_base_at, capped.at) ELSE a.back_at_base_at END,
       cancelled_at = CASE :step WHEN 'cancelled' THEN coalesce(a.cancelled_at, capped.at) ELSE a.cancelled_at END,
       ended_at = CASE WHEN :endReason::text IS NULL THEN a.ended_at ELSE coalesce(a.ended_at, capped.at) END,
       end_reason = coalesce(a.end_reason, :endReason)
  FROM (SELECT least(:at::timestamptz, now() + interval '10 minutes') AS at) capped
 WHERE a.id = :id;

-- name: setRoute
UPDATE assignments SET route_eta_s = :etaS, route_distance_m = :distanceM WHERE id = :id;

-- name: setVitals
UPDATE assignments SET vitals = :vitals, vitals_measured_at = :measuredAt WHERE id = :id;

-- name: liveOfIncident
SELECT a.id, a.vehicle_id FROM assignments a WHERE a.incident_id = :incidentId AND a.ended_at IS NULL;

-- name: latestOfVehicle
SELECT a.id, a.ended_at FROM assignments a WHERE a.vehicle_id = :vehicleId ORDER BY a.created_at DESC LIMIT 1;

-- name: vehicleStart
-- Where a vehicle is now (its latest fix and how old it is) and its home station, for a route from either.
SELECT ST_X(p.location) AS lon, ST_Y(p.location) AS lat, extract(epoch FROM now() - p.device_time) AS age_seconds,
       ST_X(s.location) AS station_lon, ST_Y(s.location) AS station_lat
  FROM vehicles v JOIN stations s ON s.id = v.home_station_id
  LEFT JOIN vehicle_positions_latest p ON p.vehicle_id = v.id
 WHERE v.id = :vehicleId;

-- name: hospitalBrief
SELECT id, name, load_status, ST_X(location) AS lon, ST_Y(location) AS lat FROM hospitals WHERE id = :id;

-- name: setDestination
UPDATE assignments SET destination_hospital_id = :hospitalId WHERE id = :id;
