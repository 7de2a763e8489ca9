-- name: pendingAcks
SELECT id, dispatched_at FROM assignments WHERE status = 'dispatched' AND ended_at IS NULL;

-- name: pendingNotices
SELECT id, sent_at FROM hospital_notices WHERE status = 'sent';
