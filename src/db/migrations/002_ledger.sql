-- The tamper-evident record: an append-only Merkle log (RFC 9162) of every accepted write.

-- One row: the log's size and its right edge (hex hashes of the pending perfect subtrees).
-- Appenders lock it, which makes sequence numbers gap-free and appends serial.
CREATE TABLE ledger_state (
  id       integer PRIMARY KEY CHECK (id = 1),
  size     bigint NOT NULL,
  frontier jsonb NOT NULL
);
INSERT INTO ledger_state VALUES (1, 0, '[]');

CREATE TABLE ledger_leaves (
  seq         bigint PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor_id    uuid,
  actor_role  text NOT NULL,
  action      text NOT NULL,
  entity_type text NOT NULL,
  entity_id   text NOT NULL,
  state_hash  text NOT NULL,
  leaf        text NOT NULL -- the leaf itself: canonical JSON (RFC 8785)
);
CREATE INDEX ledger_leaves_entity ON ledger_leaves (entity_type, entity_id, seq DESC);

-- Every perfect subtree once complete: level 0 are leaf hashes; (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Proofs read O(log n) of these.
CREATE TABLE ledger_nodes (
  level smallint NOT NULL,
  idx   bigint NOT NULL,
  hash  bytea NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE ledger_heads (
  size      bigint PRIMARY KEY,
  root_hash text NOT NULL,
  at        timestamptz NOT NULL,
  key_id    text NOT NULL,
  signature text NOT NULL
);

CREATE TABLE ledger_cosignatures (
  size       bigint NOT NULL REFERENCES ledger_heads (size),
  account_id uuid NOT NULL REFERENCES accounts (id),
  key_id     text NOT NULL,
  signature  text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (size, account_id)
);

-- A co-chair's Ed25519 public key (SPKI PEM) for cosigning tree heads.
ALTER TABLE accounts ADD COLUMN signing_key text;
