-- name: list
SELECT id, code, name, name_en AS "nameEn", centre_id AS "centreId", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location
  FROM stations WHERE (:id::uuid IS NULL OR id = :id) ORDER BY kind, code;

-- name: insert
INSERT INTO stations (code, name, name_en, centre_id, kind, address, location)
VALUES (:code, :name, :nameEn, coalesce(:centreId::uuid, 'c0000000-0000-4000-8000-000000000001'), :kind, :address, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
RETURNING id, code, name, name_en AS "nameEn", centre_id AS "centreId", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location;

-- name: update
UPDATE stations
   SET code = :code, name = :name, name_en = :nameEn, centre_id = coalesce(:centreId::uuid, centre_id), kind = :kind, address = :address,
       location = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
 WHERE id = :id
RETURNING id, code, name, name_en AS "nameEn", centre_id AS "centreId", kind, address, json_build_object('lon', ST_X(location), 'lat', ST_Y(location)) AS location;
