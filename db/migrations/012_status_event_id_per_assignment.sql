-- Purpose: a status event id is unique within its assignment, not across all of them.
-- The id is the crew's own event id: across every assignment, a reused id (another tablet, a copied outbox) made a
-- real report look like a replay and it was dropped without effect.
ALTER TABLE status_events DROP CONSTRAINT status_events_pkey;
-- Arrival order, and a primary key now that the id alone is no longer unique.
ALTER TABLE status_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
-- NULLS NOT DISTINCT: events of no assignment (call received) keep their ids unique among themselves.
CREATE UNIQUE INDEX status_events_id_per_assignment ON status_events (assignment_id, id) NULLS NOT DISTINCT;
