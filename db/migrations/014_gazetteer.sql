-- Purpose: the gazetteer of an imported region (streets with their extent, hospitals, stations, towns, villages, points of interest), searchable by Chinese, full pinyin and pinyin initials.

-- A place either belongs to one imported road network (built by its import, gone with it unless an incident
-- refers to it) or was entered by hand (network_id null).
ALTER TABLE places
  ADD COLUMN network_id bigint REFERENCES road_networks (id) ON DELETE CASCADE,
  -- The OSM object it came from ("n123", "w45", "r6"), null for streets (merged from many ways) and generated data.
  ADD COLUMN osm_id     text,
  -- Toneless pinyin of the name without spaces ("zhanglanzhen") and its initials ("zlz"), lower case;
  -- computed at import (pinyin-pro), empty for a name with no Chinese in it.
  ADD COLUMN pinyin     text NOT NULL DEFAULT '',
  ADD COLUMN initials   text NOT NULL DEFAULT '',
  -- A street's lines merged across its edges (ST_LineMerge of ST_Collect); null for point places.
  ADD COLUMN extent     geometry(Geometry, 4326);

-- Imported names repeat (a Hauptstraße in every village, two schools of one name): only hand-entered places
-- stay unique by name and kind.
ALTER TABLE places DROP CONSTRAINT places_name_kind_key;
ALTER TABLE places ADD CONSTRAINT places_kind CHECK (kind IN (
  'town', 'district', 'village', 'locality', 'street', 'hospital', 'clinic', 'station', 'fire_station', 'police',
  'school', 'market', 'factory', 'government', 'transport', 'landmark'));
CREATE UNIQUE INDEX places_manual_name_kind ON places (name, kind) WHERE network_id IS NULL;
CREATE INDEX places_network ON places (network_id);
CREATE INDEX places_extent_gist ON places USING gist (extent);
CREATE INDEX places_pinyin_trgm ON places USING gin (pinyin gin_trgm_ops);
CREATE INDEX places_initials_trgm ON places USING gin (initials gin_trgm_ops);
-- Prefix searches shorter than a trigram ("zl") go by these.
CREATE INDEX places_pinyin_prefix ON places (pinyin text_pattern_ops);
CREATE INDEX places_initials_prefix ON places (initials text_pattern_ops);

-- The places a search or a map click may name: hand-entered ones and those of every region's current network
-- (a replaced network's places stay only while an incident refers to them, and are not offered again).
CREATE VIEW gazetteer AS
SELECT p.* FROM places p
 WHERE p.network_id IS NULL OR p.network_id IN (SELECT network_id FROM road_regions);
