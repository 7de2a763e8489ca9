-- Three statements, not one: each component is probed on its own, so one that fails does not hide the others.

-- name: postgres
SELECT current_setting('server_version') AS v;

-- name: postgis
SELECT postgis_lib_version() AS v;

-- name: pgrouting
SELECT pgr_version() AS v;
