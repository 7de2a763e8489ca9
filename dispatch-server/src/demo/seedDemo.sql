-- Every upsert keeps a row that is there (and any change made to it): a second start adds only what is missing.
-- "DO UPDATE SET code = EXCLUDED.code" changes nothing but makes RETURNING answer the existing row's id.

-- name: upsertLogin
-- A demo login whose password is still a demo one takes the current one; a password its owner set is kept.
INSERT INTO users (username, display_name, password_hash, role, vehicle_id, hospital_id, demo_password)
VALUES (:username, :displayName, :passwordHash, :role, :vehicleId, :hospitalId, true)
ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, demo_password = true
 WHERE users.demo_password OR :legacy;

-- name: upsertStation
INSERT INTO stations (code, name, name_en, kind, location, centre_id)
VALUES (:code, :name, :nameEn, :kind, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :centreId)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id;

-- name: upsertHospital
INSERT INTO hospitals (code, name, name_en, kind, capabilities, location, centre_id)
VALUES (:code, :name, :nameEn, :kind, :capabilities, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :centreId)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id;

-- name: upsertVehicle
INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id) VALUES (:callSign, :kind, :capabilities, :stationId)
ON CONFLICT (call_sign) DO UPDATE SET call_sign = EXCLUDED.call_sign RETURNING id;

-- name: parkAtStation
-- Parked at the home station until the simulator or a real GPS reports.
INSERT INTO vehicle_positions_latest (vehicle_id, location, device_time, source)
SELECT :vehicleId, location, now(), 'station' FROM stations WHERE id = :stationId
ON CONFLICT (vehicle_id) DO NOTHING;

-- name: loginsWithOwnPassword
SELECT username, password_hash FROM users WHERE username = ANY(:usernames) AND NOT demo_password;
