-- Purpose: several dispatch centres (counties) in one database (issue 15): stations, hospitals, incidents and logins belong to a centre.

-- A centre is a county's 120 dispatch centre. The one that exists from the start takes every row made before
-- there were centres (and every row made without one), so a single-centre deployment never names it.
CREATE TABLE centres (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_en     text CHECK (length(name_en) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO centres (id, code, name, name_en) VALUES ('c0000000-0000-4000-8000-000000000001', 'main', '急救指挥中心', 'Dispatch centre');

-- A vehicle belongs to the centre of its home station: moving it to another centre's station moves it there.
ALTER TABLE stations ADD COLUMN centre_id uuid NOT NULL DEFAULT 'c0000000-0000-4000-8000-000000000001' REFERENCES centres (id);
ALTER TABLE hospitals ADD COLUMN centre_id uuid NOT NULL DEFAULT 'c0000000-0000-4000-8000-000000000001' REFERENCES centres (id);
-- The centre that took the call (the dispatcher's; a province-wide login's call goes to the nearest station's centre).
ALTER TABLE incidents ADD COLUMN centre_id uuid NOT NULL DEFAULT 'c0000000-0000-4000-8000-000000000001' REFERENCES centres (id);
-- A dispatcher's or supervisor's centre; NULL is province-wide (a province supervisor sees every centre).
ALTER TABLE users ADD COLUMN centre_id uuid DEFAULT 'c0000000-0000-4000-8000-000000000001' REFERENCES centres (id);

-- Cross-centre help: a vehicle of another centre sent on purpose, with the dispatcher's reason (also in the audit log).
ALTER TABLE assignments ADD COLUMN help_from_centre_id uuid REFERENCES centres (id),
                        ADD COLUMN help_reason text CHECK (length(help_reason) BETWEEN 1 AND 500),
                        ADD CHECK ((help_from_centre_id IS NULL) = (help_reason IS NULL));

CREATE INDEX stations_centre ON stations (centre_id);
CREATE INDEX hospitals_centre ON hospitals (centre_id);
CREATE INDEX incidents_centre_status ON incidents (centre_id, status);
