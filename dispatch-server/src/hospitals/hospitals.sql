-- name: list
SELECT h.id, h.code, h.name, h.name_en, h.kind, h.capabilities, h.address, h.phone,
       ST_X(h.location) AS lon, ST_Y(h.location) AS lat, h.load_status, h.load_status_set_at, u.username AS set_by
  FROM hospitals h LEFT JOIN users u ON u.id = h.load_status_set_by
 WHERE ($1::uuid IS NULL OR h.id = $1)
 ORDER BY h.kind = 'village_clinic', h.code;

-- name: insert
INSERT INTO hospitals (code, name, name_en, kind, capabilities, address, phone, location)
VALUES ($1, $2, $3, $4, $5, $6, $7, ST_SetSRID(ST_MakePoint($8, $9), 4326))
RETURNING id;

-- name: update
UPDATE hospitals
   SET code = $2, name = $3, name_en = $4, kind = $5, capabilities = $6, address = $7, phone = $8,
       location = ST_SetSRID(ST_MakePoint($9, $10), 4326)
 WHERE id = $1
RETURNING id;

-- name: setLoad
UPDATE hospitals SET load_status = $2, load_status_set_by = $3, load_status_set_at = now()
 WHERE id = $1 RETURNING id;

-- name: appendLoadHistory
INSERT INTO hospital_load_history (hospital_id, load_status, set_by, note) VALUES ($1, $2, $3, $4);
