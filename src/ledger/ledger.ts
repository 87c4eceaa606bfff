// The one way to write: a transaction whose every change is recorded as ledger leaves, appended
// in that same transaction (no write without its leaf, no leaf without its write).
import canonicalize from 'canonicalize';
import type { Db, Queryable, Row } from '../db/db.ts';
import { commitState, commitSubject, ENTITIES, isSensitive, loadRows, stateFromRow, type EntityType } from './entities.ts';
import { headPayload, signPayload, type LedgerKey } from './keys.ts';
import * as M from './merkle.ts';
import type { LedgerEntry } from './lookup.ts';
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
  /** The row's salt, with its state. */
  salt?: Uint8Array;
  /** Who made this change, when one transaction carries several people's writes (grouped commits). */
  actor?: Actor;
}

/** The log's size and right edge as this process last wrote them; a guess, checked by every append. */
export interface LogHead {
  size: number;
  frontier: M.Frontier;
}
const heads = new WeakMap<object, LogHead>();
/**
 * The head a write still in flight will leave once it commits: a write that starts meanwhile
 * builds on it, so two commits can overlap (the second's append waits in ledger_append for the
 * first's lock, and finds the size it expected). If the first fails, the second's append finds
 * another size, reads the log under lock and appends again: a prediction is never trusted.
 */
const tips = new WeakMap<object, LogHead>();
const signers = new WeakMap<object, LedgerKey>();

/** The key that signs the head each write leads to; a database without one gets heads only on request. */
export function useLedgerKey(db: Db, key: LedgerKey): Db {
  signers.set(db, key);
  return db;
}

/** The format new leaves are written in (see README, "Leaf format"); stored leaves keep theirs. */
export const LEAF_VERSION = 2;

/**
 * The leaf as it is hashed: canonical JSON (RFC 8785) of its fields. Written out by hand for
 * these few fixed shapes because it is on every write (3x faster than a generic canonicaliser):
 * keys in sorted order, strings as JSON.stringify writes them (which is what RFC 8785 specifies),
 * the integers as themselves. The tests and `truce verify` check it against `canonicalize`.
 * Format 1 names actor and entity; format 2 adds `version`, and for a sensitive type carries
 * the `subject` commitment in their place.
 */
export function leafText(l: Omit<store.LeafRow, 'leaf'>): string {
  const s = JSON.stringify;
  if (l.version !== 1 && l.subject !== null) {
    return `{"action":${s(l.action)},"entity":{"type":${s(l.entityType)}},"seq":${l.seq},"stateHash":${s(l.stateHash)},"subject":${s(l.subject)},"time":${s(l.at.toISOString())},"version":${l.version}}`;
  }
  // actor and entity named: format 1 ends at "time", format 2 adds its version after it
  const named =
    `{"action":${s(l.action)},"actor":{"id":${s(l.actorId)},"role":${s(l.actorRole)}},` +
    `"entity":{"id":${s(l.entityId)},"type":${s(l.entityType)}},"seq":${l.seq},"stateHash":${s(l.stateHash)},"time":${s(l.at.toISOString())}`;
  return l.version === 1 ? `${named}}` : `${named},"version":${l.version}}`;
}

/** The same leaf by the generic canonicaliser: the reference leafText is held to. */
export function leafTextReference(l: Omit<store.LeafRow, 'leaf'>): string {
  const common = { seq: l.seq, time: l.at.toISOString(), action: l.action, stateHash: l.stateHash };
  if (l.version === 1) return canonicalize({ ...common, actor: { id: l.actorId, role: l.actorRole }, entity: { type: l.entityType, id: l.entityId } })!;
  if (l.subject !== null) return canonicalize({ ...common, version: l.version, entity: { type: l.entityType }, subject: l.subject })!;
  return canonicalize({ ...common, version: l.version, actor: { id: l.actorId, role: l.actorRole }, entity: { type: l.entityType, id: l.entityId } })!;
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
  const unread = (p: PendingLeaf) => p.state === undefined || (p.state !== null && !p.salt);
  const read = new Map<string, { state: Row; salt: Buffer }>();
  for (const type of new Set(pending.filter(unread).map((p) => p.type))) {
    const ids = [...new Set(pending.filter((p) => p.type === type && unread(p)).map((p) => p.id))];
    for (const [id, r] of await loadRows(q, type, ids)) read.set(`${type}/${id}`, r);
  }
  const salts = pending.map((p) => p.salt ?? read.get(`${p.type}/${p.id}`)?.salt ?? null);
  const byEntity = new Map<string, string>(); // one hash per entity state, however many leaves name it
  const hashes = pending.map((p, i) => {
    if (p.state !== undefined) return commitState(salts[i], p.state);
    const k = `${p.type}/${p.id}`;
    if (!byEntity.has(k)) byEntity.set(k, commitState(salts[i], read.get(k)?.state ?? null));
    return byEntity.get(k)!;
  });
  let head = cached ?? (await store.logState(q, true));
  for (;;) {
    const rows = pending.map((p, i) => {
      const by = p.actor ?? actor;
      const base = { seq: head.size + i, at, actorId: by.accountId, actorRole: by.role, action: p.action, entityType: p.type, entityId: p.id, stateHash: hashes[i], version: LEAF_VERSION };
      const subject = isSensitive(p.type) ? commitSubject(salts[i], base) : null;
      return { ...base, subject, leaf: leafText({ ...base, subject }) };
    });
    const grown = M.append(head.size, head.frontier, rows.map((r) => M.leafHash(Buffer.from(r.leaf))));
    const signed = signer ? signHead(signer, grown.size, M.frontierRoot(grown.size, grown.frontier).toString('hex'), at) : null;
    if (await store.insertLeaves(q, head.size, rows, grown.nodes, grown.frontier, signed)) return { leaves: rows, head: { size: grown.size, frontier: grown.frontier } };
    head = await store.logState(q, true); // someone else appended: now we hold the lock, so this try succeeds
  }
}

const listeners = new WeakMap<object, Set<(leaves: readonly LedgerEntry[]) => void>>();

/**
 * Calls fn with the leaves of each write through this process once it has committed, in the
 * same tick (before write() returns). Only the events hub (src/events/hub.ts) listens here:
 * caches and streams subscribe to the hub, which also brings other processes' leaves.
 */
export function onCommitted(db: Db, fn: (leaves: readonly LedgerEntry[]) => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** Runs fn in a transaction and appends the leaves it recorded before committing. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, opts: { allowEmpty?: boolean } = {}): Promise<T> {
  let appended: LogHead | undefined;
  let leaves: store.LeafRow[] = [];
  const out = await db.tx(async (q) => {
    const pending: PendingLeaf[] = [];
    const result = await fn({
      q,
      actor,
      record(action, type, entity, by) {
        if (!Object.hasOwn(ENTITIES, type)) throw new Error(`unknown ledger entity type ${type}`);
        if (typeof entity === 'string') pending.push({ action, type, id: entity, actor: by });
        else pending.push({ action, type, id: String(entity.id), state: stateFromRow(type, entity), salt: entity.salt ?? undefined, actor: by });
      },
    });
    if (pending.length) {
      const cached = tips.get(db) ?? heads.get(db);
      heads.delete(db); // trusted again only once this transaction has committed
      ({ head: appended, leaves } = await appendLeaves(q, actor, pending, cached, signers.get(db)));
      tips.set(db, appended);
    } else if (!opts.allowEmpty) throw new Error('a write recorded no ledger leaf'); // a bug: every write is recorded
    return result;
  }).catch((e) => {
    if (appended && tips.get(db) === appended) tips.delete(db); // what builds on it will find another size
    throw e;
  });
  if (appended && tips.get(db) === appended) {
    tips.delete(db);
    heads.set(db, appended);
  } // else a later write built on it and is still in flight: its head is the one to keep
  if (leaves.length) {
    for (const fn of listeners.get(db) ?? []) {
      try {
        fn(leaves);
      } catch (e) {
        process.emitWarning(`a commit listener failed: ${(e as Error).message}`); // the write has committed: never report it as failed
      }
    }
  }
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
