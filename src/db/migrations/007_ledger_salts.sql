-- Leaf format 2: every entity row gets a random salt (244 bits from PostgreSQL's strong random:
-- two version-4 UUIDs), and a leaf's state hash becomes SHA-256(salt || canonical state), a
-- commitment that hides the state from whoever lacks the salt. Leaves of sensitive types carry a
-- commitment to their actor and entity (`subject`) instead of naming them. Stored leaves of format
-- 1 are never rewritten: they stay verifiable as they are.
ALTER TABLE terms ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE parties ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE designations ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE commitments ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE accounts ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE api_tokens ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE territories ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE sites ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE corridors ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
ALTER TABLE vettings ADD COLUMN salt bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

ALTER TABLE ledger_leaves ADD COLUMN version smallint NOT NULL DEFAULT 1;
ALTER TABLE ledger_leaves ADD COLUMN subject text; -- format 2, sensitive types: the commitment to actor and entity

DROP FUNCTION ledger_append(bigint, jsonb, bigint[], timestamptz[], uuid[], text[], text[], text[], text[], text[], text[], smallint[], bigint[], text[], text, timestamptz, text, text);
CREATE FUNCTION ledger_append(
  expected bigint, new_frontier jsonb,
  seqs bigint[], ats timestamptz[], actor_ids uuid[], actor_roles text[], actions text[],
  entity_types text[], entity_ids text[], state_hashes text[], leaf_texts text[], versions smallint[], subjects text[],
  node_levels smallint[], node_idxs bigint[], node_hashes text[],
  head_root text, head_at timestamptz, head_key_id text, head_signature text
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  -- only if nobody appended since the caller read the log; the update locks the log row
  UPDATE ledger_state SET size = expected + cardinality(seqs), frontier = new_frontier WHERE id = 1 AND size = expected;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO ledger_leaves (seq, at, actor_id, actor_role, action, entity_type, entity_id, state_hash, leaf, version, subject)
  SELECT * FROM unnest(seqs, ats, actor_ids, actor_roles, actions, entity_types, entity_ids, state_hashes, leaf_texts, versions, subjects);
  INSERT INTO ledger_nodes (level, idx, hash)
  SELECT n.lv, n.ix, decode(n.h, 'hex') FROM unnest(node_levels, node_idxs, node_hashes) AS n (lv, ix, h);
  IF head_signature IS NOT NULL THEN
    INSERT INTO ledger_heads (size, root_hash, at, key_id, signature)
    VALUES (expected + cardinality(seqs), head_root, head_at, head_key_id, head_signature);
  END IF;
  RETURN true;
END
$$;
