-- Purpose: each dispatcher's acknowledgement or muting of a console alert, and the text channel between dispatchers and the crew of a task.
-- The alerts themselves are derived from the incidents, tasks and notices (dispatch-server/src/alerts/alerts.sql); only
-- what one dispatcher decided about one of them is kept, so it survives a reload, another tab or another workstation.
CREATE TABLE alert_states (
  user_id   uuid NOT NULL REFERENCES users (id),
  -- The alert's derived id, e.g. 'unassigned:<incident id>' or 'ackOverdue:<assignment id>'.
  alert_id  text NOT NULL CHECK (alert_id ~ '^[a-zA-Z]+:[0-9a-f-]{36}$'),
  state     text NOT NULL CHECK (state IN ('acknowledged', 'muted')),
  set_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, alert_id)
);

-- Messages of one task (assignment) between the dispatchers and its crew, kept with the incident.
CREATE TABLE task_messages (
  -- The sender's own id: a crew tablet replaying its outbox, or a retried request, stores the message once.
  id             uuid PRIMARY KEY,
  incident_id    uuid NOT NULL REFERENCES incidents (id),
  assignment_id  uuid NOT NULL REFERENCES assignments (id),
  author_user_id uuid REFERENCES users (id),
  -- Which side wrote it: the dispatch centre or the crew.
  side           text NOT NULL CHECK (side IN ('dispatch', 'crew')),
  body           text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 500),
  -- A crew quick reply's code (received, arrived, need_backup, caller_unreachable), so each side shows it in its language.
  quick_reply    text CHECK (quick_reply IN ('received', 'arrived', 'need_backup', 'caller_unreachable')),
  device_time    timestamptz NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_messages_assignment ON task_messages (assignment_id, received_at);
CREATE INDEX task_messages_incident ON task_messages (incident_id, received_at);
