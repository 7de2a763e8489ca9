-- Purpose: a call-intake Idempotency-Key belongs to the login that sent it and remembers the body it came with.
-- A key was global: one dispatcher's key answered another dispatcher's call with the first one's incident.
ALTER TABLE incidents DROP CONSTRAINT incidents_idempotency_key_key;
-- sha-256 of the validated request: the same key with another body is refused (422), never answered with the first call.
ALTER TABLE incidents ADD COLUMN idempotency_body_sha256 text;
-- NULLS NOT DISTINCT: calls entered without a login (created_by NULL) still share one key space among themselves.
CREATE UNIQUE INDEX incidents_idempotency_per_user ON incidents (created_by, idempotency_key) NULLS NOT DISTINCT
  WHERE idempotency_key IS NOT NULL;
