-- Purpose: the administrator's screens: why a vehicle is out of service, and crew logins that follow the roster.
ALTER TABLE vehicles ADD COLUMN out_of_service_reason text CHECK (length(out_of_service_reason) <= 200);

-- A crew login is bound either to one vehicle for good (the vehicle's own tablet login, as the demo's) or to one
-- crew member, whose vehicle is then the one the roster gives at the moment (rostered_vehicle below).
ALTER TABLE users ADD COLUMN crew_member_id uuid UNIQUE REFERENCES crew_members (id);
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_crew_binding
  CHECK ((role = 'crew') = (vehicle_id IS NOT NULL OR crew_member_id IS NOT NULL) AND (vehicle_id IS NULL OR crew_member_id IS NULL));

-- The vehicle a crew member signs on to now: the latest of its shifts that has begun (30 minutes early for the
-- check of the vehicle before the shift) and not ended, or that ended while its vehicle was on a task started
-- during it (the crew finishes the task it is on). NULL when no shift covers now: such a login cannot sign on.
-- Logins and session checks read the binding through this one function (dispatch-server/src/auth/auth.sql,
-- sessions.sql), so a shift's end, or a shift moved to another vehicle, ends the sessions bound by the old one.
CREATE FUNCTION rostered_vehicle(member uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT s.vehicle_id FROM shifts s
   WHERE member = ANY (s.member_ids)
     AND s.starts_at - interval '30 minutes' <= now()
     AND (now() < s.ends_at OR EXISTS (
       SELECT 1 FROM assignments a WHERE a.vehicle_id = s.vehicle_id AND a.ended_at IS NULL AND a.created_at < s.ends_at AND a.created_at >= s.starts_at))
   ORDER BY s.starts_at DESC
   LIMIT 1
$$;
