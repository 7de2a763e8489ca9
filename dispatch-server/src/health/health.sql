-- Three statements, not one: each component is probed on its own, so one that fails does not hide the others.

-- name: postgres
SELECT current_setting('server_version') AS v;

-- name: postgis
SELECT postgis_lib_version() AS v;

-- name: pgrouting
SELECT pgr_version() AS v;

-- name: replica
-- On the reports' pool: a server that is not in recovery is the primary standing in (or a promoted replica).
SELECT pg_is_in_recovery() AS standby,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS "replayedAgoS";
