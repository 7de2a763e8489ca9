-- name: vehiclesOfDevices
-- The vehicles bound to the device ids asked at once (an id bound to none has no row).
SELECT id, device_id AS "deviceId" FROM vehicles WHERE device_id = ANY (:deviceIds::text[]);

-- name: lockVehicle
-- Locked: concurrent bindings of one vehicle queue here, so each reports the device id it really replaced.
SELECT device_id FROM vehicles WHERE id = :vehicleId FOR UPDATE;

-- name: deviceHolder
SELECT call_sign FROM vehicles WHERE device_id = :deviceId AND id <> :vehicleId;

-- name: bind
UPDATE vehicles SET device_id = :deviceId WHERE id = :vehicleId;
