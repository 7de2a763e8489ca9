-- name: list
SELECT h.id, h.code, h.name, h.name_en AS "nameEn", h.centre_id AS "centreId", h.kind, h.capabilities, h.address, h.phone,
       json_build_object('lon', ST_X(h.location), 'lat', ST_Y(h.location)) AS location,
       h.load_status AS "loadStatus", h.load_status_set_at AS "loadStatusSetAt", u.username AS "loadStatusSetBy"
  FROM hospitals h LEFT JOIN users u ON u.id = h.load_status_set_by
 WHERE (:id::uuid IS NULL OR h.id = :id) AND (:centreId::uuid IS NULL OR h.centre_id = :centreId)
 ORDER BY h.kind = 'village_clinic', h.code;

-- name: insert
INSERT INTO hospitals (code, name, name_en, centre_id, kind, capabilities, address, phone, location)
VALUES (:code, :name, :nameEn, coalesce(:centreId::uuid, 'c0000000-0000-4000-8000-000000000001'), :kind, :capabilities, :address, :phone, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
RETURNING id, centre_id AS "centreId";

-- name: update
UPDATE hospitals
   SET code = :code, name = :name, name_en = :nameEn, centre_id = coalesce(:centreId::uuid, centre_id), kind = :kind, capabilities = :capabilities, address = :address,
       phone = :phone, location = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
 WHERE id = :id
RETURNING id, centre_id AS "centreId";

-- name: setLoad
UPDATE hospitals SET load_status = :loadStatus, load_status_set_by = :setBy, load_status_set_at = now()
 WHERE id = :id RETURNING id;

-- name: appendLoadHistory
INSERT INTO hospital_load_history (hospital_id, load_status, set_by, note) VALUES (:id, :loadStatus, :setBy, :note);
