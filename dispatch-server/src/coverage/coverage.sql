-- name: stations
SELECT id, code, name, ST_X(location) AS lon, ST_Y(location) AS lat FROM stations ORDER BY code;

-- name: hospitals
-- Village clinics are not emergency destinations: the circle of care counts hospitals with an emergency department.
SELECT id, code, name, ST_X(location) AS lon, ST_Y(location) AS lat
  FROM hospitals WHERE 'emergency' = ANY(capabilities) ORDER BY code;

-- name: villages
SELECT id, name, ST_X(location) AS lon, ST_Y(location) AS lat, population FROM gazetteer WHERE kind = 'village' ORDER BY name;
