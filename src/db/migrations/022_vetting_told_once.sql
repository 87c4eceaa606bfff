-- An exact answer's told view is the decision itself: from now on its reasons are stored once.
-- told_reasons is NULL when told_basis is 'exact' (read as the row's reasons); rows recorded
-- before keep their copy, and their ledger leaves commit to them as stored.
COMMENT ON COLUMN vettings.told_reasons IS 'What the caller was told; NULL with told_basis ''exact'': the same as reasons.';
ALTER TABLE vettings ADD CONSTRAINT vettings_told_reasons CHECK (told_reasons IS NOT NULL OR told_basis IS NULL OR told_basis = 'exact');
