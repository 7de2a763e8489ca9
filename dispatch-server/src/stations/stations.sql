-- name: list
SELECT id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM stations ORDER BY kind, code;

-- name: get
SELECT id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM stations WHERE id = :id;

-- name: insert
INSERT INTO stations (code, name, name_en, kind, address, location)
VALUES (:code, :name, :nameEn, :kind, :address, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
RETURNING id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat;

-- name: update
UPDATE stations
   SET code = :code, name = :name, name_en = :nameEn, kind = :kind, address = :address,
       location = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
 WHERE id = :id
RETURNING id, code, name, name_en, kind, address, ST_X(location) AS lon, ST_Y(location) AS lat;
