-- Purpose: login sessions (one row per token, so logout, a password change and an admin can end them), forced password change, demo-password marker.

-- One row per issued token, keyed by its jti. A token is accepted only while its row is not revoked.
CREATE TABLE sessions (
  id                    uuid PRIMARY KEY,
  user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- A session that may only change the password (after an admin reset or a bootstrap): nothing else.
  password_change_only  boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL DEFAULT now(),
  expires_at            timestamptz NOT NULL,
  revoked_at            timestamptz,
  remote_addr           text
);
CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Set by an admin reset and the bootstrap command: the next login may only change the password.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
-- A generated demo password (seeded by the demo); refused when the server listens beyond loopback.
ALTER TABLE users ADD COLUMN demo_password boolean NOT NULL DEFAULT false;
