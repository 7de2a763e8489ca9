-- name: list
SELECT id, code, name, name_en AS "nameEn", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location
  FROM stations WHERE (:id::uuid IS NULL OR id = :id) ORDER BY kind, code;

-- name: insert
INSERT INTO stations (code, name, name_en, kind, address, location)
VALUES (:code, :name, :nameEn, :kind, :address, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
RETURNING id, code, name, name_en AS "nameEn", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location;

-- name: update
UPDATE stations
   SET code = :code, name = :name, name_en = :nameEn, kind = :kind, address = :address,
       location = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
 WHERE id = :id
RETURNING id, code, name, name_en AS "nameEn", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location;
