-- name: insert
INSERT INTO outbox (subject, effect, payload) VALUES (:subject, :effect, :payload);

-- name: claimHead
-- The oldest live effect of the subject, if it is due and nobody holds it. Without SKIP LOCKED on purpose:
-- a concurrent claim makes this one wait and then see the row taken, never jump to the next effect.
UPDATE outbox SET claimed_until = now() + make_interval(secs => :claimS), attempts = attempts + 1
 WHERE id = (SELECT id FROM outbox WHERE subject = :subject AND dead_at IS NULL ORDER BY id LIMIT 1)
   AND available_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
RETURNING id, effect, payload, attempts;

-- name: delivered
DELETE FROM outbox WHERE id = :id;

-- name: failed
UPDATE outbox SET claimed_until = NULL, available_at = now() + make_interval(secs => :backoffS), last_error = :error,
       dead_at = CASE WHEN attempts >= :maxAttempts THEN now() END
 WHERE id = :id
RETURNING dead_at IS NOT NULL AS dead;

-- name: dueSubjects
-- An effect never tried and only just written is left to the command that wrote it, which delivers it at once.
SELECT DISTINCT subject FROM outbox
 WHERE dead_at IS NULL AND available_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
   AND (attempts > 0 OR created_at < now() - interval '2 seconds')
 LIMIT 100;
