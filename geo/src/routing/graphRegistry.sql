-- name: latestRegion
-- The region served when the caller names none: the one an administrator made live, else the most recently
-- updated (as /api/roads/region answers).
SELECT name FROM road_regions ORDER BY live DESC, updated_at DESC, name LIMIT 1;

-- name: listen
-- The channel the importer notifies (ROAD_NETWORK_CHANNEL).
LISTEN road_network_changed;
