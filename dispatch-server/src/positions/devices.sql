-- name: vehicleOfDevice
SELECT id FROM vehicles WHERE device_id = :deviceId;

-- name: lockVehicle
-- Locked: concurrent bindings of one vehicle queue here, so each reports the device id it really replaced.
SELECT device_id FROM vehicles WHERE id = :vehicleId FOR UPDATE;

-- name: deviceHolder
SELECT call_sign FROM vehicles WHERE device_id = :deviceId AND id <> :vehicleId;

-- name: bind
UPDATE vehicles SET device_id = :deviceId WHERE id = :vehicleId;
