-- Purpose: record when the call-taker answered (besides when the phone rang), for the 10-second answer and NFPA 1225 indicators.
ALTER TABLE incidents ADD COLUMN call_answered_at timestamptz;
ALTER TABLE incidents ADD CONSTRAINT incidents_answer_after_ring CHECK (call_answered_at IS NULL OR call_answered_at >= call_received_at);
