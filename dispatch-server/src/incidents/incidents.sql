-- name: insert
-- ON CONFLICT on the login's idempotency key returns nothing: the caller then reads the incident the first request made.
-- The centre is the dispatcher's; a call taken by a login of every centre goes to the nearest station's centre.
INSERT INTO incidents (idempotency_key, category, priority, location, address, caller_phone, patient_summary,
                       priority_groups, required_vehicle_capabilities, required_hospital_capabilities,
                       call_received_at, created_by, place_id, call_answered_at, idempotency_body_sha256, centre_id)
VALUES (:idempotencyKey, :category, :priority, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :address, :callerPhone,
        :patientSummary, :priorityGroups, :requiredVehicleCapabilities, :requiredHospitalCapabilities,
        :callReceivedAt, :userId, :placeId, :callAnsweredAt, :bodyHash,
        coalesce(:centreId::uuid,
                 (SELECT s.centre_id FROM stations s ORDER BY s.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 1),
                 'c0000000-0000-4000-8000-000000000001'))
ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: byIdempotencyKey
-- A key is the sending login's own: :userId is that login (NULL without one).
SELECT id, idempotency_body_sha256 FROM incidents WHERE idempotency_key = :idempotencyKey AND created_by IS NOT DISTINCT FROM :userId;

-- name: get
SELECT i.id, i.number, i.centre_id AS "centreId", i.status, i.category, i.priority, json_build_object('lon', ST_X(i.location), 'lat', ST_Y(i.location)) AS location,
       i.address, p.name AS "placeName", i.caller_phone AS "callerPhone", i.patient_summary AS "patientSummary",
       i.priority_groups AS "priorityGroups", i.required_vehicle_capabilities AS "requiredVehicleCapabilities",
       i.required_hospital_capabilities AS "requiredHospitalCapabilities", i.responsible_station_id AS "responsibleStationId",
       i.destination_hospital_id AS "destinationHospitalId", i.call_received_at AS "callReceivedAt",
       i.call_answered_at AS "callAnsweredAt", i.created_at AS "createdAt", i.closed_at AS "closedAt",
       (SELECT count(*)::int FROM status_events f WHERE f.incident_id = i.id AND f.status = 'call_follow_up') AS "followUps",
       (SELECT json_build_object('id', t.id, 'number', t.number, 'direction', t.direction, 'needs', t.needs, 'greenChannel', t.green_channel,
                                 'from', json_build_object('id', hf.id, 'name', hf.name, 'nameEn', hf.name_en),
                                 'to', json_build_object('id', ht.id, 'name', ht.name, 'nameEn', ht.name_en))
          FROM transfers t JOIN hospitals hf ON hf.id = t.from_hospital_id JOIN hospitals ht ON ht.id = t.to_hospital_id
         WHERE t.incident_id = i.id) AS transfer
  FROM incidents i LEFT JOIN places p ON p.id = i.place_id
 WHERE i.id = ANY(:ids::uuid[]);

-- name: listActive
-- The dispatcher's queue: unfinished incidents, most urgent first, then longest waiting.
SELECT i.id FROM incidents i
 WHERE (i.status IN ('open', 'queued', 'assigned') OR i.closed_at > now() - make_interval(mins => :recentMinutes))
   AND (:centreId::uuid IS NULL OR i.centre_id = :centreId
        OR EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.help_from_centre_id = :centreId))
 ORDER BY i.status IN ('closed', 'cancelled'), i.priority, i.call_received_at;

-- name: lockIncident
-- NO KEY UPDATE: status events inserted concurrently take a KEY SHARE lock on the incident (their foreign key);
-- FOR UPDATE would deadlock with them.
SELECT id, status, centre_id FROM incidents WHERE id = :id FOR NO KEY UPDATE;

-- name: queueIfOpen
UPDATE incidents SET status = 'queued' WHERE id = :id AND status = 'open';

-- name: setStatus
UPDATE incidents SET status = :status,
       closed_at = CASE WHEN :status IN ('closed', 'cancelled') THEN coalesce(closed_at, now()) ELSE NULL END,
       cancelled_reason = CASE WHEN :status = 'cancelled' THEN :cancelledReason ELSE cancelled_reason END
 WHERE id = :id;

-- name: setPlan
-- NULL keeps what is recorded.
UPDATE incidents SET responsible_station_id = coalesce(:stationId, responsible_station_id),
       destination_hospital_id = coalesce(:hospitalId, destination_hospital_id)
 WHERE id = :id;

-- name: setRecommended
-- What a recommendation records, in one statement: the responsible station, the proposed hospital unless one is chosen
-- already, and queued / open while the incident waits for a vehicle (decided here, on the row as it is now: a cancel
-- or a dispatch that landed during the ranking is never undone).
UPDATE incidents SET responsible_station_id = coalesce(:stationId, responsible_station_id),
       destination_hospital_id = coalesce(destination_hospital_id, :hospitalId),
       status = CASE WHEN status IN ('open', 'queued') THEN :waitingStatus ELSE status END
 WHERE id = :id;

-- name: timeline
SELECT e.id, e.incident_id AS "incidentId", e.assignment_id AS "assignmentId", e.vehicle_id AS "vehicleId", e.status,
       e.device_time AS "deviceTime", e.received_at AS "receivedAt", e.source, u.username AS actor, e.note,
       e.caller_phone AS "callerPhone"
  FROM status_events e LEFT JOIN users u ON u.id = e.actor_user_id
 WHERE e.incident_id = :id
 ORDER BY e.device_time, e.received_at;

-- name: appendEvent
INSERT INTO status_events (id, incident_id, assignment_id, vehicle_id, status, device_time, actor_user_id, source, location, note,
                           caller_phone, phone_call_id)
VALUES (:id, :incidentId, :assignmentId, :vehicleId, :status, :deviceTime, :userId, :source,
        CASE WHEN :lon::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END, :note, :callerPhone, :phoneCallId)
-- A replay is the same event id on the same assignment (ids are the crews' own, unique within an assignment).
ON CONFLICT (assignment_id, id) DO NOTHING
RETURNING id;
