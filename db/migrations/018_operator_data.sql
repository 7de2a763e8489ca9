-- Purpose: operator data a centre edits from the console: the category → required capabilities table (was a constant),
-- the live road region chosen by an administrator, and the full report of each road import.

-- What a call of each category needs by default (the dispatcher can still override both lists on the call).
-- Seeded with the values the protocol shipped as CATEGORY_REQUIREMENTS; read at intake.
CREATE TABLE category_requirements (
  category                text PRIMARY KEY,
  vehicle_capabilities    text[] NOT NULL DEFAULT '{}',
  hospital_capabilities   text[] NOT NULL DEFAULT '{}',
  updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO category_requirements (category, vehicle_capabilities, hospital_capabilities) VALUES
  ('chest_pain', '{als}', '{pci}'),
  ('stroke', '{als}', '{stroke_centre}'),
  ('trauma', '{als}', '{trauma}'),
  ('obstetric', '{}', '{obstetrics}'),
  ('newborn_transfer', '{neonatal}', '{nicu}'),
  ('fever', '{negative_pressure}', '{fever_clinic}'),
  ('respiratory', '{als}', '{emergency}'),
  ('poisoning', '{als}', '{emergency}'),
  ('paediatric', '{}', '{paediatrics}'),
  ('other', '{}', '{emergency}');

-- The region routed on when the server is not configured with one. Without a live region the most recently
-- updated one is served (as before); an import from the console pins the current one first, so a new region
-- waits until an administrator makes it live.
ALTER TABLE road_regions ADD COLUMN live boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX road_regions_one_live ON road_regions (live) WHERE live;

-- The import's own report (stage timings, one-way edges, who started it), beside the counts road_networks has.
ALTER TABLE road_networks ADD COLUMN report jsonb;
