-- Purpose: one history row per vehicle and device time, so a fix replayed from an offline outbox is stored once.
-- Two fixes of one vehicle at the same instant are the same fix; keep the first received.
DELETE FROM vehicle_positions p
 USING vehicle_positions q
 WHERE p.vehicle_id = q.vehicle_id AND p.device_time = q.device_time AND p.received_at > q.received_at;
CREATE UNIQUE INDEX vehicle_positions_vehicle_device_time ON vehicle_positions (vehicle_id, device_time);
DROP INDEX vehicle_positions_vehicle_time;
