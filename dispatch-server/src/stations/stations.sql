-- name: list
SELECT id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM stations ORDER BY kind, code;

-- name: get
SELECT id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM stations WHERE id = $1;

-- name: insert
INSERT INTO stations (code, name, name_en, kind, address, location)
VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))
RETURNING id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat;

-- name: update
UPDATE stations
   SET code = $2, name = $3, name_en = $4, kind = $5, address = $6, location = ST_SetSRID(ST_MakePoint($7, $8), 4326)
 WHERE id = $1
RETURNING id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat;
