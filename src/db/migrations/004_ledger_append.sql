-- The ledger append as one function: its statements are planned once per connection
-- (PL/pgSQL caches plans), which keeps the cost the ledger adds to each write small. The head
-- the write leads to is signed by the caller and stored in the same statement, so no leaf waits
-- for a timer to be covered by a signature.
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
