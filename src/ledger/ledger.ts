// The one way to write: a transaction whose every change is recorded as ledger leaves, appended
// in that same transaction (no write without its leaf, no leaf without its write).
import canonicalize from 'canonicalize';
import type { Db, Queryable, Row } from '../db/db.ts';
import { ENTITIES, loadStates, stateFromRow, stateHash, type EntityType } from './entities.ts';
import { headPayload, signPayload, type LedgerKey } from './keys.ts';
import * as M from './merkle.ts';
import * as store from './store.ts';

/** Who made a write: an account and its role, or the system itself (seeding, migrations). */
export interface Actor {
  accountId: string | null;
  role: string;
  partyId: string | null;
}
export const SYSTEM: Actor = { accountId: null, role: 'system', partyId: null };

export interface Writer {
  q: Queryable;
  actor: Actor;
  /**
   * Records that this write left the entity in its current state (or deleted it): give its id,
   * or the row just written (RETURNING *), which saves reading it back.
   */
  record(action: string, type: EntityType, entity: string | Row, actor?: Actor): void;
}

export interface PendingLeaf {
  action: string;
  type: EntityType;
  id: string;
  /** The canonical state when the row was at hand; read back at append time otherwise. */
  state?: Row | null;
  /** Who made this change, when one transaction carries several people's writes (grouped commits). */
  actor?: Actor;
}

/** The log's size and right edge as this process last wrote them; a guess, checked by every append. */
export interface LogHead {
  size: number;
  frontier: M.Frontier;
}
const heads = new WeakMap<object, LogHead>();
const signers = new WeakMap<object, LedgerKey>();

/** The key that signs the head each write leads to; a database without one gets heads only on request. */
export function useLedgerKey(db: Db, key: LedgerKey): Db {
  signers.set(db, key);
  return db;
}

/**
 * The leaf as it is hashed: canonical JSON (RFC 8785) of its fields. Written out by hand for
 * this one fixed shape because it is on every write (3x faster than a generic canonicaliser):
 * keys in sorted order, strings as JSON.stringify writes them (which is what RFC 8785 specifies),
 * the integer seq as itself. The tests and `truce verify` check it against `canonicalize`.
 */
export function leafText(l: Omit<store.LeafRow, 'leaf'>): string {
  const s = JSON.stringify;
  return (
    `{"action":${s(l.action)},"actor":{"id":${s(l.actorId)},"role":${s(l.actorRole)}},` +
    `"entity":{"id":${s(l.entityId)},"type":${s(l.entityType)}},"seq":${l.seq},"stateHash":${s(l.stateHash)},"time":${s(l.at.toISOString())}}`
  );
}

/** The same leaf by the generic canonicaliser: the reference leafText is held to. */
export function leafTextReference(l: Omit<store.LeafRow, 'leaf'>): string {
  return canonicalize({
    seq: l.seq,
    time: l.at.toISOString(),
    actor: { id: l.actorId, role: l.actorRole },
    action: l.action,
    entity: { type: l.entityType, id: l.entityId },
    stateHash: l.stateHash,
  })!;
}

/**
 * Appends leaves for these changes. One statement when `cached` is right (it is, unless another
 * instance wrote meanwhile): the append checks the log's size, and on a mismatch reads the log
 * under lock and appends again. Returns the leaves and the log's new head.
 */
export async function appendLeaves(
  q: Queryable,
  actor: Actor,
  pending: PendingLeaf[],
  cached?: LogHead,
  signer?: LedgerKey,
  at = new Date(),
): Promise<{ leaves: store.LeafRow[]; head: LogHead }> {
  const states = new Map<string, unknown>();
  for (const type of new Set(pending.filter((p) => p.state === undefined).map((p) => p.type))) {
    const ids = [...new Set(pending.filter((p) => p.type === type && p.state === undefined).map((p) => p.id))];
    for (const [id, s] of await loadStates(q, type, ids)) states.set(`${type}/${id}`, s);
  }
  const byEntity = new Map<string, string>(); // one hash per entity state, however many leaves name it
  const hashes = pending.map((p) => {
    const k = `${p.type}/${p.id}`;
    if (p.state !== undefined) return stateHash(p.state);
    if (!byEntity.has(k)) byEntity.set(k, stateHash(states.get(k) ?? null));
    return byEntity.get(k)!;
  });
  let head = cached ?? (await store.logState(q, true));
  for (;;) {
    const rows = pending.map((p, i) => {
      const by = p.actor ?? actor;
      const base = { seq: head.size + i, at, actorId: by.accountId, actorRole: by.role, action: p.action, entityType: p.type, entityId: p.id, stateHash: hashes[i] };
      return { ...base, leaf: leafText(base) };
    });
    const grown = M.append(head.size, head.frontier, rows.map((r) => M.leafHash(Buffer.from(r.leaf))));
    const signed = signer ? signHead(signer, grown.size, M.frontierRoot(grown.size, grown.frontier).toString('hex'), at) : null;
    if (await store.insertLeaves(q, head.size, rows, grown.nodes, grown.frontier, signed)) return { leaves: rows, head: { size: grown.size, frontier: grown.frontier } };
    head = await store.logState(q, true); // someone else appended: now we hold the lock, so this try succeeds
  }
}

const listeners = new WeakMap<object, Set<(types: Set<EntityType>) => void>>();

/** Calls fn after each write through this process commits, with the entity types it changed (caches use it). */
export function onCommitted(db: Db, fn: (types: Set<EntityType>) => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** Runs fn in a transaction and appends the leaves it recorded before committing. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, opts: { allowEmpty?: boolean } = {}): Promise<T> {
  let appended: LogHead | undefined;
  const types = new Set<EntityType>();
  const out = await db.tx(async (q) => {
    const pending: PendingLeaf[] = [];
    const result = await fn({
      q,
      actor,
      record(action, type, entity, by) {
        if (!Object.hasOwn(ENTITIES, type)) throw new Error(`unknown ledger entity type ${type}`);
        types.add(type);
        if (typeof entity === 'string') pending.push({ action, type, id: entity, actor: by });
        else pending.push({ action, type, id: String(entity.id), state: stateFromRow(type, entity), actor: by });
      },
    });
    if (pending.length) {
      const cached = heads.get(db);
      heads.delete(db); // trusted again only once this transaction has committed
      appended = (await appendLeaves(q, actor, pending, cached, signers.get(db))).head;
    } else if (!opts.allowEmpty) throw new Error('a write recorded no ledger leaf'); // a bug: every write is recorded
    return result;
  });
  if (appended) heads.set(db, appended);
  if (types.size) for (const fn of listeners.get(db) ?? []) fn(types);
  return out;
}

export function signHead(key: LedgerKey, size: number, rootHash: string, at: Date): store.HeadRow {
  return { size, rootHash, at, keyId: key.keyId, signature: signPayload(key.privateKey, headPayload({ size, rootHash, timestamp: at.toISOString(), keyId: key.keyId })) };
}

/** The current tree head, signed now if the log has grown since the last one. */
export async function currentHead(db: Db, key: LedgerKey): Promise<store.HeadRow> {
  const { size, frontier } = await store.logState(db);
  const last = await store.latestHead(db);
  if (last && last.size === size) return last;
  await store.insertHead(db, signHead(key, size, M.frontierRoot(size, frontier).toString('hex'), new Date()));
  return (await store.headAt(db, size))!; // another instance may have signed this size first
}

// Nodes of 2^6 leaves and more are few, never change once written, and sit on every proof's
// path: they are cached, so a proof reads little more than its lowest levels.
const CACHED_LEVEL = 6;
const CACHE_MAX = 500_000;
const nodeCaches = new WeakMap<object, Map<string, M.Hash>>();

/** The hashes of the given ranges, from stored perfect subtrees: at most one query. */
export async function rangeHashes(q: Queryable, ranges: M.Range[]): Promise<M.Hash[]> {
  const key = (k: M.NodeKey) => `${k.level}/${k.index}`;
  let cache = nodeCaches.get(q);
  if (!cache) nodeCaches.set(q, (cache = new Map()));
  const keys = ranges.flatMap(M.rangeNodes);
  const got = await store.nodes(q, keys.filter((k) => !cache.has(key(k))));
  if (cache.size > CACHE_MAX) cache.clear();
  for (const k of keys) if (k.level >= CACHED_LEVEL && got.has(key(k))) cache.set(key(k), got.get(key(k))!);
  return ranges.map((r) =>
    M.rangeHash(r, (k) => {
      const h = got.get(key(k)) ?? cache.get(key(k));
      if (!h) throw new Error(`ledger node ${key(k)} is missing`);
      return h;
    }),
  );
}

/** Leaf `index`'s hash, its audit path and the root of the tree of `size` leaves, in one read. */
export async function inclusionProof(q: Queryable, index: number, size: number) {
  const [leafHash, rootHash, ...path] = await rangeHashes(q, [[index, index + 1], [0, size], ...M.inclusionRanges(index, size)]);
  return { leafHash, rootHash, path };
}

/** Both roots and the consistency path between them, in one read. */
export async function consistencyProof(q: Queryable, first: number, second: number) {
  if (second === 0) return { firstRoot: M.EMPTY_ROOT, secondRoot: M.EMPTY_ROOT, proof: [] as M.Hash[] };
  const roots: M.Range[] = first > 0 ? [[0, first], [0, second]] : [[0, second]];
  const hashes = await rangeHashes(q, [...roots, ...M.consistencyRanges(first, second)]);
  const firstRoot = first > 0 ? hashes.shift()! : M.EMPTY_ROOT; // the empty tree has no stored range
  const secondRoot = hashes.shift()!;
  return { firstRoot, secondRoot, proof: hashes };
}
