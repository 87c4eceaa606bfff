-- Every write transaction signs the head it leads to (in the same statement as its leaves), so
-- no leaf waits for a timer to be covered by a signature; and a cosignature keeps the public key
-- it was made with, so a co-chair's later change of key does not orphan it.
DROP FUNCTION ledger_append(bigint, jsonb, bigint[], timestamptz[], uuid[], text[], text[], text[], text[], text[], text[], smallint[], bigint[], text[]);
CREATE FUNCTION ledger_append(
  expected bigint, new_frontier jsonb,
  seqs bigint[], ats timestamptz[], actor_ids uuid[], actor_roles text[], actions text[],
  entity_types text[], entity_ids text[], state_hashes text[], leaf_texts text[],
  node_levels smallint[], node_idxs bigint[], node_hashes text[],
  head_root text, head_at timestamptz, head_key_id text, head_signature text
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  -- only if nobody appended since the caller read the log; the update locks the log row
  UPDATE ledger_state SET size = expected + cardinality(seqs), frontier = new_frontier WHERE id = 1 AND size = expected;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO ledger_leaves (seq, at, actor_id, actor_role, action, entity_type, entity_id, state_hash, leaf)
  SELECT * FROM unnest(seqs, ats, actor_ids, actor_roles, actions, entity_types, entity_ids, state_hashes, leaf_texts);
  INSERT INTO ledger_nodes (level, idx, hash)
  SELECT n.lv, n.ix, decode(n.h, 'hex') FROM unnest(node_levels, node_idxs, node_hashes) AS n (lv, ix, h);
  IF head_signature IS NOT NULL THEN
    INSERT INTO ledger_heads (size, root_hash, at, key_id, signature)
    VALUES (expected + cardinality(seqs), head_root, head_at, head_key_id, head_signature);
  END IF;
  RETURN true;
END
$$;

ALTER TABLE ledger_cosignatures ADD COLUMN public_key text;
UPDATE ledger_cosignatures c SET public_key = a.signing_key FROM accounts a WHERE a.id = c.account_id;
ALTER TABLE ledger_cosignatures ALTER COLUMN public_key SET NOT NULL;
