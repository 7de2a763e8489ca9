-- The demo's second centre (issue 15): a neighbouring county's centre at the demo network's north-east edge.
-- Upserts keep what is there, as seedDemo.sql's do.

-- name: nameDefaultCentre
-- The centre every row had before there were centres is the demo county's: named so, unless renamed already.
UPDATE centres SET code = 'JX', name = '介休市120急救指挥中心', name_en = 'Jiexiu 120 Dispatch Centre'
 WHERE id = 'c0000000-0000-4000-8000-000000000001' AND code = 'main';

-- name: upsertCentre
INSERT INTO centres (code, name, name_en) VALUES (:code, :name, :nameEn)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id;

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
INSERT INTO vehicle_positions_latest (vehicle_id, location, device_time, source)
SELECT :vehicleId, location, now(), 'station' FROM stations WHERE id = :stationId
ON CONFLICT (vehicle_id) DO NOTHING;

-- name: setLoginCentre
-- NULL: every centre (the province supervisor).
UPDATE users SET centre_id = :centreId WHERE username = :username;
