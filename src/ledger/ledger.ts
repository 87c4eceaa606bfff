// The one way to write: a transaction whose every change is recorded as ledger leaves, appended
// in that same transaction (no write without its leaf, no leaf without its write).
import canonicalize from 'canonicalize';
import type { Db, Queryable } from '../db/db.ts';
import { ENTITIES, loadStates, stateHash, type EntityType } from './entities.ts';
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
  /** Records that this write left the entity in its current state (or deleted it). */
  record(action: string, type: EntityType, id: string): void;
}

export interface PendingLeaf {
  action: string;
  type: EntityType;
  id: string;
}

/** The leaf as it is hashed: canonical JSON (RFC 8785) of these fields. */
export function leafText(l: Omit<store.LeafRow, 'leaf'>): string {
  return canonicalize({
    seq: l.seq,
    time: l.at.toISOString(),
    actor: { id: l.actorId, role: l.actorRole },
    action: l.action,
    entity: { type: l.entityType, id: l.entityId },
    stateHash: l.stateHash,
  })!;
}

/** Appends leaves for these changes: states read back from the rows as written. */
export async function appendLeaves(q: Queryable, actor: Actor, pending: PendingLeaf[], at = new Date()): Promise<store.LeafRow[]> {
  const states = new Map<string, unknown>();
  for (const type of new Set(pending.map((p) => p.type))) {
    const ids = [...new Set(pending.filter((p) => p.type === type).map((p) => p.id))];
    for (const [id, s] of await loadStates(q, type, ids)) states.set(`${type}/${id}`, s);
  }
  const { start, frontier } = await store.reserve(q, pending.length);
  const rows = pending.map((p, i) => {
    const base = {
      seq: start + i,
      at,
      actorId: actor.accountId,
      actorRole: actor.role,
      action: p.action,
      entityType: p.type,
      entityId: p.id,
      stateHash: stateHash(states.get(`${p.type}/${p.id}`) ?? null),
    };
    return { ...base, leaf: leafText(base) };
  });
  const grown = M.append(start, frontier, rows.map((r) => M.leafHash(Buffer.from(r.leaf))));
  await store.insertLeaves(q, rows, grown.nodes, grown.frontier);
  return rows;
}

/** Runs fn in a transaction and appends the leaves it recorded before committing. */
export async function write<T>(db: Db, actor: Actor, fn: (w: Writer) => Promise<T>, opts: { allowEmpty?: boolean } = {}): Promise<T> {
  return db.tx(async (q) => {
    const pending: PendingLeaf[] = [];
    const out = await fn({
      q,
      actor,
      record(action, type, id) {
        if (!(type in ENTITIES)) throw new Error(`unknown ledger entity type ${type}`);
        pending.push({ action, type, id });
      },
    });
    if (pending.length) await appendLeaves(q, actor, pending);
    else if (!opts.allowEmpty) throw new Error('a write recorded no ledger leaf'); // a bug: every write is recorded
    return out;
  });
}

export interface SignedHead extends store.HeadRow {
  cosignatures: store.CosignatureRow[];
}

/** The current tree head, signed now if the log has grown since the last one. */
export async function currentHead(db: Db, key: LedgerKey): Promise<store.HeadRow> {
  const { size, frontier } = await store.logState(db);
  const last = await store.latestHead(db);
  if (last && last.size === size) return last;
  const at = new Date();
  const rootHash = M.frontierRoot(size, frontier).toString('hex');
  const head = { size, rootHash, at, keyId: key.keyId, signature: signPayload(key.privateKey, headPayload({ size, rootHash, timestamp: at.toISOString(), keyId: key.keyId })) };
  await store.insertHead(db, head);
  return (await store.headAt(db, size))!; // another instance may have signed this size first
}

/** The hashes of the given ranges, from stored perfect subtrees (one query). */
export async function rangeHashes(q: Queryable, ranges: M.Range[]): Promise<M.Hash[]> {
  const keys = ranges.flatMap(M.rangeNodes);
  const got = await store.nodes(q, keys);
  return ranges.map((r) =>
    M.rangeHash(r, (k) => {
      const h = got.get(`${k.level}/${k.index}`);
      if (!h) throw new Error(`ledger node ${k.level}/${k.index} is missing`);
      return h;
    }),
  );
}

export async function inclusionProof(q: Queryable, index: number, size: number) {
  const [leaf, ...path] = await rangeHashes(q, [[index, index + 1], ...M.inclusionRanges(index, size)]);
  return { leafHash: leaf, path };
}

export async function consistencyProof(q: Queryable, first: number, second: number) {
  return rangeHashes(q, M.consistencyRanges(first, second));
}

/** The root of the first `size` leaves (a past head's root, from stored subtrees). */
export async function rootAt(q: Queryable, size: number): Promise<M.Hash> {
  return size === 0 ? M.EMPTY_ROOT : (await rangeHashes(q, [[0, size]]))[0];
}
