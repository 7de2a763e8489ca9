-- name: ingest
-- One batch in one statement (so one transaction): every row into the partitioned history, and the newest row of
-- each vehicle into the latest table, which only moves forward in device time: a replayed older fix lands in
-- history but never overwrites a newer latest. Returns the latest rows that actually moved, for the consoles, and
-- notes them to every process's fleet state (fleet/fleetChanges.ts: `<code>:<id>,<id>` on :channel, 200 ids a note
-- to stay under PostgreSQL's 8,000-byte payload) in the same statement: one commit (one WAL flush) and one round trip
-- per batch, and the note delivered when the rows commit, never without them.
-- Rows are sorted by vehicle id, so concurrent batches lock latest rows in the same order and cannot deadlock.
-- The moved rows come back as one row of arrays (times in epoch ms): a row per position, each checked against the
-- DTO's schema, cost the server more than the rest of the batch's handling (bench:doors, ~5,000 rows a second).
WITH input AS (
  SELECT *
  FROM unnest(:vehicleIds::uuid[], :lons::float8[], :lats::float8[], :speeds::real[], :headings::real[],
              :accuracies::real[], :deviceTimes::timestamptz[], :receivedAts::timestamptz[], :sources::text[])
    AS t (vehicle_id, lon, lat, speed_mps, heading_deg, accuracy_m, device_time, received_at, source)
), history AS (
  INSERT INTO vehicle_positions (vehicle_id, location, speed_mps, heading_deg, accuracy_m, device_time, received_at, source)
  SELECT vehicle_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed_mps, heading_deg, accuracy_m, device_time,
         received_at, source
  FROM input
  -- A replayed fix (same vehicle, same device time) is already in history.
  ON CONFLICT (vehicle_id, device_time) DO NOTHING
), moved AS (
INSERT INTO vehicle_positions_latest AS latest
  (vehicle_id, location, speed_mps, heading_deg, accuracy_m, device_time, received_at, source)
SELECT DISTINCT ON (vehicle_id)
       vehicle_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed_mps, heading_deg, accuracy_m, device_time,
       received_at, source
FROM input
ORDER BY vehicle_id, device_time DESC, received_at DESC
ON CONFLICT (vehicle_id) DO UPDATE
  SET location = EXCLUDED.location,
      speed_mps = EXCLUDED.speed_mps,
      heading_deg = EXCLUDED.heading_deg,
      accuracy_m = EXCLUDED.accuracy_m,
      device_time = EXCLUDED.device_time,
      received_at = EXCLUDED.received_at,
      source = EXCLUDED.source
  WHERE latest.device_time < EXCLUDED.device_time
RETURNING vehicle_id AS "vehicleId", ST_X(location) AS lon, ST_Y(location) AS lat, speed_mps AS "speedMps",
          heading_deg AS "headingDeg", accuracy_m AS "accuracyM", device_time AS "deviceTime", received_at AS "receivedAt", source
), noted AS (
  -- One row whatever the count (an aggregate without GROUP BY), so the join below keeps every moved row.
  SELECT count(pg_notify(:channel::text, :code::text || ':' || ids)) AS notes
  FROM (SELECT string_agg("vehicleId"::text, ',') AS ids
          FROM (SELECT "vehicleId", (row_number() OVER () - 1) / 200 AS piece FROM moved) numbered
         GROUP BY piece) pieces
)
SELECT coalesce(array_agg("vehicleId"::text), '{}') AS "vehicleIds",
       coalesce(array_agg(lon), '{}') AS lons,
       coalesce(array_agg(lat), '{}') AS lats,
       coalesce(array_agg("speedMps"), '{}') AS speeds,
       coalesce(array_agg("headingDeg"), '{}') AS headings,
       coalesce(array_agg("accuracyM"), '{}') AS accuracies,
       coalesce(array_agg(round(extract(epoch FROM "deviceTime") * 1000)::float8), '{}') AS "deviceTimes",
       coalesce(array_agg(round(extract(epoch FROM "receivedAt") * 1000)::float8), '{}') AS "receivedAts",
       coalesce(array_agg(source), '{}') AS sources
FROM moved, noted;

-- name: ensurePartitions
-- The previous, current and next month: the next one exists before the first fix of the month arrives, so
-- nothing of the live path lands in the default partition.
SELECT ensure_position_partitions((date_trunc('month', :at::timestamptz) - interval '1 month')::date, 3);
