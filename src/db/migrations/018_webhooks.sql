-- Webhooks (src/webhooks): registrations (ledgered), a durable outbox of deliveries, the log of
-- each attempt, the fan-out's position in the ledger, and the deadline notices already made.

-- A liaison's or an agency's URL for some event kinds. The signing secret is never in the
-- ledger's state (not one of the entity's columns) nor in any answer but the one that created it.
CREATE TABLE webhooks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  account_id       uuid NOT NULL,
  url              text NOT NULL,
  events           text[] NOT NULL,
  description      text,
  state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled', 'deleted')),
  disabled_reason  text CHECK (disabled_reason IN ('failures', 'secretariat')),
  disabled_at      timestamptz,
  changed_by       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- bookkeeping, not in the ledger's state
  secret           text NOT NULL,
  failures         int NOT NULL DEFAULT 0, -- consecutive failed attempts
  salt             bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX webhooks_account ON webhooks (account_id) WHERE state <> 'deleted';

-- One event for one webhook, until delivered or given up. (webhook, dedupe) is unique: an event
-- fanned out twice (two instances, a retried pass) is queued once.
CREATE TABLE webhook_outbox (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id     uuid NOT NULL REFERENCES webhooks (id),
  dedupe         text NOT NULL,
  kind           text NOT NULL,
  body           text NOT NULL, -- the JSON sent, fixed when queued
  state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
  attempts       int NOT NULL DEFAULT 0,
  next_at        timestamptz NOT NULL DEFAULT now(),
  claimed_until  timestamptz, -- an instance is sending it until then
  created_at     timestamptz NOT NULL DEFAULT now(),
  done_at        timestamptz,
  UNIQUE (webhook_id, dedupe)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE state = 'pending';

-- Every attempt: its status, time and a short error; at most a few hundred bytes of the answer.
CREATE TABLE webhook_deliveries (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id    uuid NOT NULL REFERENCES webhook_outbox (id),
  webhook_id   uuid NOT NULL REFERENCES webhooks (id),
  attempt      int NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  duration_ms  int NOT NULL,
  status       int, -- the HTTP status; NULL when there was no answer
  ok           boolean NOT NULL,
  error        text,
  response     text
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- Where the fan-out has read the ledger to ('fanout': the last leaf index handled) and the
-- deadline job's lock row ('deadlines'); one instance at a time holds each row.
CREATE TABLE webhook_cursors (
  name      text PRIMARY KEY,
  position  bigint NOT NULL
);
INSERT INTO webhook_cursors (name, position) VALUES ('fanout', -1), ('deadlines', 0);

-- A deadline notice made (near, passed) for a request for information: once each, ever.
CREATE TABLE webhook_deadlines (
  request_id  uuid NOT NULL,
  threshold   text NOT NULL CHECK (threshold IN ('near', 'passed')),
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, threshold)
);
