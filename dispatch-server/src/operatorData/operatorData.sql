-- Operator data a centre edits from the console: road-class speeds and the category → capabilities table.

-- name: listSpeeds
SELECT highway, kmh FROM road_class_speeds ORDER BY highway;

-- name: updateSpeeds
-- Only classes that exist: a new class would change which ways an import keeps (that is a code change, not data).
UPDATE road_class_speeds s SET kmh = n.kmh
  FROM unnest(:highways::text[], :kmhs::real[]) AS n(highway, kmh)
 WHERE s.highway = n.highway
RETURNING s.highway;

-- name: regions
SELECT name FROM road_regions ORDER BY name;

-- name: listRequirements
SELECT category, vehicle_capabilities, hospital_capabilities FROM category_requirements ORDER BY category;

-- name: updateRequirement
INSERT INTO category_requirements (category, vehicle_capabilities, hospital_capabilities, updated_at)
VALUES (:category, :vehicleCapabilities, :hospitalCapabilities, now())
ON CONFLICT (category) DO UPDATE
   SET vehicle_capabilities = EXCLUDED.vehicle_capabilities,
       hospital_capabilities = EXCLUDED.hospital_capabilities,
       updated_at = now();
