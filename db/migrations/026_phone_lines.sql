-- Purpose: phone calls belong to a centre (issue 15): each county's 120 line, as the PBX names it, is configured to its centre.

-- The carrier routes each county's 120 to that county's trunk (or the PBX puts it in a queue of its own); the PBX
-- names it in every event (PhoneCallEvent.lineId: the trunk, queue or dialled number). A line is configured once,
-- when a county's trunk is connected, with the PBX's own configuration: a deployment step like creating the centre
-- itself (centres have no admin route either), so the rows are written by SQL or a seed (the demo's Pingyao line:
-- dispatch-server/src/demo/demoNeighbour.ts), not by a screen.
CREATE TABLE phone_lines (
  line_id     text PRIMARY KEY CHECK (length(line_id) BETWEEN 1 AND 64 AND line_id = btrim(line_id)),
  centre_id   uuid NOT NULL REFERENCES centres (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_lines_centre ON phone_lines (centre_id);

-- The centre whose line rang, fixed by the call's first event; a line no row names rings the default centre (the
-- one every call had before there were centres), so a single-centre deployment never configures a line. Calls
-- recorded before this migration are the default centre's.
ALTER TABLE phone_calls ADD COLUMN centre_id uuid NOT NULL DEFAULT 'c0000000-0000-4000-8000-000000000001' REFERENCES centres (id);
CREATE INDEX phone_calls_centre_recent ON phone_calls (centre_id, created_at);
