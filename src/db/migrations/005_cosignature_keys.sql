-- A cosignature keeps the public key it was made with, so a co-chair's later change of key
-- does not orphan it.
ALTER TABLE ledger_cosignatures ADD COLUMN public_key text;
UPDATE ledger_cosignatures c SET public_key = a.signing_key FROM accounts a WHERE a.id = c.account_id;
ALTER TABLE ledger_cosignatures ALTER COLUMN public_key SET NOT NULL;
