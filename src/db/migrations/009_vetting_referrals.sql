-- Vetting for roles that may not see sites (issue 8, finding 1): the coarse grid's secret
-- offset, what each caller was told beside the exact decision, flags on accounts past their
-- daily budget of referrals, and a per-account, per-day count of refused (429) requests.

-- The grid sites count on for those roles is shifted by a secret per-deployment offset, so a
-- cell's edges cannot be known in advance. One row, made once; every instance reads the same.
CREATE TABLE vetting_grid (
  id         int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  secret     bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO vetting_grid (id) VALUES (1);

-- The told view (what the caller was told) beside the exact decision (the task force's view).
-- told_basis: 'exact' (a site reader, told everything), 'grid' (sites counted on the coarse
-- grid of grid_m metres), 'flagged' (past the budget: referred whatever the target). NULL on
-- rows recorded before this migration, whose told view was the exact decision with the site
-- reasons redacted.
ALTER TABLE vettings
  ADD COLUMN told_decision text CHECK (told_decision IN ('permitted', 'prohibited', 'review')),
  ADD COLUMN told_reasons  jsonb,
  ADD COLUMN told_basis    text CHECK (told_basis IN ('exact', 'grid', 'flagged')),
  ADD COLUMN grid_m        double precision;
-- referrals per account and day are counted on every request of a role without site access
CREATE INDEX vettings_referred ON vettings (requested_by, requested_at) WHERE told_reasons @> '[{"code":"REFERRED_TO_TASK_FORCE"}]';

-- Flag events: an account flagged when it went past its daily budget of referrals, and the
-- lifting of that flag by the secretariat. Events, never edits: an account is flagged while
-- its latest event is 'flagged'.
CREATE TABLE vetting_flags (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  account_id  uuid NOT NULL REFERENCES accounts (id),
  event       text NOT NULL CHECK (event IN ('flagged', 'lifted')),
  at          timestamptz NOT NULL DEFAULT now(),
  referrals   int,          -- flagged: the referrals counted that day
  reason      text,         -- lifted: why
  recorded_by uuid,         -- lifted: who lifted it (flags are raised by the system)
  salt        bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX vetting_flags_account ON vetting_flags (account_id, seq DESC);

-- Operational state, not a record (like sign-in lock-out counters): requests the rate limiter
-- refused, per account and UTC day.
CREATE TABLE vetting_rate_refusals (
  account_id uuid NOT NULL,
  day        date NOT NULL,
  refused    int NOT NULL DEFAULT 0,
  last_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, day)
);
