-- name: lock
-- Any constant works; it only keeps two processes from migrating the same database at once.
SELECT pg_advisory_lock(120120001);

-- name: unlock
SELECT pg_advisory_unlock(120120001);

-- name: createHistory
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now());

-- name: applied
SELECT version, name, checksum FROM schema_migrations ORDER BY version;

-- name: record
INSERT INTO schema_migrations (version, name, checksum) VALUES (:version, :name, :checksum);
