-- The demo's second centre (issue 15): a neighbouring county's centre at the demo network's north-east edge.
-- Upserts keep what is there, as seedDemo.sql's do; its stations, hospital and fleet are seedDemo.sql's (demoSites.ts).

-- name: nameDefaultCentre
-- The centre every row had before there were centres is the demo county's: named so, unless renamed already.
UPDATE centres SET code = 'JX', name = '介休市120急救指挥中心', name_en = 'Jiexiu 120 Dispatch Centre'
 WHERE id = 'c0000000-0000-4000-8000-000000000001' AND code = 'main';

-- name: upsertCentre
INSERT INTO centres (code, name, name_en) VALUES (:code, :name, :nameEn)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id;

-- name: setLoginCentre
-- NULL: every centre (the province supervisor).
UPDATE users SET centre_id = :centreId WHERE username = :username;

-- name: upsertPhoneLine
-- The line the PBX names for the county's 120 trunk rings its centre (migration 026); one configured already stays.
INSERT INTO phone_lines (line_id, centre_id) VALUES (:lineId, :centreId) ON CONFLICT (line_id) DO NOTHING;
