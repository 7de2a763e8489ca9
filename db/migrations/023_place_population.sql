-- Purpose: the number of people living in a gazetteer place (villages, towns), so coverage and move-up weigh demand by population (MEXCLP/DMEXCLP).

-- Read from OSM's `population` tag at import (generated for the synthetic demo county); null when the source
-- gives none or gives something that is not a count.
ALTER TABLE places ADD COLUMN population integer CHECK (population >= 0);

-- The view's `p.*` was expanded when it was created: it is recreated to carry the new column (appended last,
-- which CREATE OR REPLACE VIEW allows).
CREATE OR REPLACE VIEW gazetteer AS
SELECT p.* FROM places p
 WHERE p.network_id IS NULL OR p.network_id IN (SELECT network_id FROM road_regions);
