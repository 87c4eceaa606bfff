-- Intake's Idempotency-Key records (after 013, already applied where intake first ran): an answer is
-- JSON text kept for its retries, stored as it is (no compression:
-- compressing it cost more than the rest of the key's write), and pruned by age.
ALTER TABLE idempotency_keys ALTER COLUMN response SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
