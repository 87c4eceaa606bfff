// The ledger's SQL: appending leaves and nodes, reading them back, tree heads.
import { accountsByIds } from '../auth/lookup.ts';
import type { Queryable, Row } from '../db/db.ts';
import type { Frontier, Hash, NodeKey } from './merkle.ts';

export interface LeafRow {
  seq: number;
  at: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string;
  stateHash: string;
  /** The leaf format: 1 (stored before salts) or 2. */
  version: number;
  /** Format 2, sensitive types: the commitment to actor and entity that the leaf carries instead of them. */
  subject: string | null;
  leaf: string;
}

const toFrontier = (f: (string | null)[]): Frontier => f.map((h) => (h ? Buffer.from(h, 'hex') : null));
const fromFrontier = (f: Frontier) => JSON.stringify(f.map((h) => (h ? h.toString('hex') : null)));

/**
 * Writes the leaves, the nodes they complete and the new right edge in one statement, only if
 * the log still has `expectedSize` leaves (it locks the log row); false when another writer
 * got there first, and nothing was written.
 */
export async function insertLeaves(
  q: Queryable,
  expectedSize: number,
  leaves: LeafRow[],
  nodes: (NodeKey & { hash: Hash })[],
  frontier: Frontier,
  head: HeadRow | null,
): Promise<boolean> {
  const [r] = await q.query('SELECT ledger_append($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) AS ok', [
    expectedSize,
    fromFrontier(frontier),
    leaves.map((l) => l.seq),
    leaves.map((l) => l.at.toISOString()),
    leaves.map((l) => l.actorId),
    leaves.map((l) => l.actorRole),
    leaves.map((l) => l.action),
    leaves.map((l) => l.entityType),
    leaves.map((l) => l.entityId),
    leaves.map((l) => l.stateHash),
    leaves.map((l) => l.leaf),
    leaves.map((l) => l.version),
    leaves.map((l) => l.subject),
    nodes.map((n) => n.level),
    nodes.map((n) => n.index),
    nodes.map((n) => n.hash.toString('hex')),
    head?.rootHash ?? null,
    head?.at.toISOString() ?? null,
    head?.keyId ?? null,
    head?.signature ?? null,
  ]);
  return r.ok === true;
}

export async function logState(q: Queryable, lock = false): Promise<{ size: number; frontier: Frontier }> {
  const [r] = await q.query(`SELECT size, frontier FROM ledger_state WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
  return { size: Number(r.size), frontier: toFrontier(r.frontier) };
}

const toLeaf = (r: Row): LeafRow => ({
  seq: Number(r.seq),
  at: r.at,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  stateHash: r.state_hash,
  version: Number(r.version),
  subject: r.subject,
  leaf: r.leaf,
});

/** Leaves with start <= seq < end, in order. */
export async function leaves(q: Queryable, start: number, end: number): Promise<LeafRow[]> {
  return (await q.query('SELECT * FROM ledger_leaves WHERE seq >= $1 AND seq < $2 ORDER BY seq', [start, end])).map(toLeaf);
}

/** Every leaf in order, a page at a time (the verifier reads logs of millions). */
export async function* allLeaves(q: Queryable, page = 10_000): AsyncGenerator<LeafRow[]> {
  let after = -1;
  for (;;) {
    const rows = (await q.query('SELECT * FROM ledger_leaves WHERE seq > $1 ORDER BY seq LIMIT $2', [after, page])).map(toLeaf);
    if (!rows.length) return;
    yield rows;
    after = rows[rows.length - 1].seq;
  }
}

export async function latestLeafOf(q: Queryable, type: string, id: string): Promise<LeafRow | null> {
  const [r] = await q.query('SELECT * FROM ledger_leaves WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT 1', [type, id]);
  return r ? toLeaf(r) : null;
}

/**
 * Stored nodes by key; a missing key is simply absent from the map. The keys go inline as an
 * IN list (they are integers we computed) and hashes come back as hex: on PGlite both are
 * measurably cheaper than array parameters and bytea results, and proofs are a hot path.
 */
export async function nodes(q: Queryable, keys: NodeKey[]): Promise<Map<string, Hash>> {
  if (!keys.length) return new Map();
  for (const k of keys) if (!Number.isSafeInteger(k.level) || !Number.isSafeInteger(k.index)) throw new Error(`bad node key ${k.level}/${k.index}`);
  const rows =
    keys.length <= 64
      ? await q.query(`SELECT level, idx, encode(hash, 'hex') AS h FROM ledger_nodes WHERE (level, idx) IN (${keys.map((k) => `(${k.level},${k.index})`).join(',')})`)
      : await q.query( // the verifier's thousands of keys: as arrays
          `SELECT n.level, n.idx, encode(n.hash, 'hex') AS h FROM ledger_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS k (lv, ix) ON n.level = k.lv AND n.idx = k.ix`,
          [keys.map((k) => k.level), keys.map((k) => k.index)],
        );
  return new Map(rows.map((r) => [`${r.level}/${Number(r.idx)}`, Buffer.from(r.h, 'hex')]));
}

export interface HeadRow {
  size: number;
  rootHash: string;
  at: Date;
  keyId: string;
  signature: string;
}

const toHead = (r: Row): HeadRow => ({ size: Number(r.size), rootHash: r.root_hash, at: r.at, keyId: r.key_id, signature: r.signature });

export async function latestHead(q: Queryable): Promise<HeadRow | null> {
  const [r] = await q.query('SELECT * FROM ledger_heads ORDER BY size DESC LIMIT 1');
  return r ? toHead(r) : null;
}

export async function headAt(q: Queryable, size: number): Promise<HeadRow | null> {
  const [r] = await q.query('SELECT * FROM ledger_heads WHERE size = $1', [size]);
  return r ? toHead(r) : null;
}

export async function allHeads(q: Queryable): Promise<HeadRow[]> {
  return (await q.query('SELECT * FROM ledger_heads ORDER BY size')).map(toHead);
}

export async function insertHead(q: Queryable, h: HeadRow): Promise<void> {
  await q.query('INSERT INTO ledger_heads (size, root_hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (size) DO NOTHING', [
    h.size,
    h.rootHash,
    h.at,
    h.keyId,
    h.signature,
  ]);
}

export interface CosignatureRow {
  size: number;
  accountId: string;
  accountName: string;
  partyId: string | null;
  keyId: string;
  signature: string;
  at: Date;
  publicKey: string;
}

/** Cosignatures of some heads (all when sizes is omitted), with each cosigner's name and party (from auth's lookup). */
export async function cosignatures(q: Queryable, sizes?: number[]): Promise<CosignatureRow[]> {
  const rows = await q.query(`SELECT c.* FROM ledger_cosignatures c ${sizes ? 'WHERE c.size = ANY($1::bigint[])' : ''} ORDER BY c.size, c.at`, sizes ? [sizes] : []);
  const accounts = await accountsByIds(q, rows.map((r) => String(r.account_id)));
  return rows.map((r) => ({
    size: Number(r.size),
    accountId: r.account_id,
    accountName: accounts.get(String(r.account_id))?.name ?? String(r.account_id),
    partyId: accounts.get(String(r.account_id))?.partyId ?? null,
    keyId: r.key_id,
    signature: r.signature,
    at: r.at,
    publicKey: r.public_key,
  }));
}

export async function insertCosignature(q: Queryable, c: { size: number; accountId: string; keyId: string; publicKey: string; signature: string }): Promise<void> {
  await q.query(
    `INSERT INTO ledger_cosignatures (size, account_id, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (size, account_id) DO UPDATE SET key_id = EXCLUDED.key_id, public_key = EXCLUDED.public_key, signature = EXCLUDED.signature, at = now()`,
    [c.size, c.accountId, c.keyId, c.publicKey, c.signature],
  );
}

/** The log's size (its number of leaves). */
export async function logSize(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT size FROM ledger_state WHERE id = 1');
  return Number(r.size);
}

/**
 * A SQL condition for a capability's as-of reads: the row `alias` (of entity type `type`, its id
 * column `id`) has a leaf before `version` (always true when version is null). Rows written with
 * their leaf and never changed are then exactly the data as it was at that version.
 */
export function recordedBefore(type: string, version: number | null, alias: string): string {
  if (version === null) return 'true';
  if (!/^[a-z_]+$/.test(type) || !/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`recordedBefore: bad type or alias ${type} ${alias}`);
  return `EXISTS (SELECT 1 FROM ledger_leaves l WHERE l.entity_type = '${type}' AND l.entity_id = ${alias}.id::text AND l.seq < ${Math.floor(version)})`;
}

/** The entities (type, id) named by the leaves from <= seq < to of the given types, each once. */
export async function entitiesBetween(q: Queryable, from: number, to: number, types: string[]): Promise<{ type: string; id: string }[]> {
  const rows = await q.query('SELECT DISTINCT entity_type, entity_id FROM ledger_leaves WHERE seq >= $1 AND seq < $2 AND entity_type = ANY($3::text[])', [from, to, types]);
  return rows.map((r) => ({ type: r.entity_type, id: r.entity_id }));
}

/** What happened in the leaves after `after` (seq > after), in order, at most `limit`: the events hub reads other processes' commits with it. */
export async function entriesAfter(q: Queryable, after: number, limit: number): Promise<{ seq: number; at: Date; action: string; entityType: string; entityId: string }[]> {
  const rows = await q.query('SELECT seq, at, action, entity_type, entity_id FROM ledger_leaves WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit]);
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at, action: r.action, entityType: r.entity_type, entityId: r.entity_id }));
}

// ---- read by other capabilities through ledger/lookup.ts (incidents: enrichment) ----

/** Which of these entity types have leaves at or after `seq`: a cache asks whether what it holds is stale. */
export async function typesWrittenSince(q: Queryable, seq: number, types: readonly string[]): Promise<Set<string>> {
  const rows = await q.query('SELECT DISTINCT entity_type FROM ledger_leaves WHERE seq >= $1 AND entity_type = ANY($2::text[])', [seq, types]);
  return new Set(rows.map((r) => String(r.entity_type)));
}

/** The first leaf with this action of each of these entities (e.g. a site's notification), by entity id. */
export async function firstLeavesOf(q: Queryable, type: string, ids: string[], action: string): Promise<Map<string, LeafRow>> {
  if (!ids.length) return new Map();
  const rows = await q.query(
    'SELECT DISTINCT ON (entity_id) * FROM ledger_leaves WHERE entity_type = $1 AND entity_id = ANY($2::text[]) AND action = $3 ORDER BY entity_id, seq',
    [type, ids, action],
  );
  return new Map(rows.map((r) => [String(r.entity_id), toLeaf(r)]));
}
