// The verifier: recomputes the log from its leaves and checks every hash, head, signature and
// (against a database or a bundle's snapshot) every entity's current state. Needs no server.
import canonicalize from 'canonicalize';
import { ENTITY_TYPES, loadStates, stateHash } from './entities.ts';
import { headPayload, keyIdOf, parsePublicKey, verifyPayload } from './keys.ts';
import * as M from './merkle.ts';
import type { CosignatureRow, HeadRow, LeafRow } from './store.ts';
import * as store from './store.ts';
import { createPublicKey } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import { leafText } from './ledger.ts';

export interface Finding {
  problem: string;
  detail: string;
}

export interface HeadToCheck {
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  signature: string;
  cosignatures: { accountId: string; keyId: string; signature: string; publicKey: string }[];
}

export interface LogInput {
  /** Leaves in the order stored: the text that was hashed, and (from a database) the row's own columns. */
  pages: AsyncIterable<{ seq: number; leaf: string; row?: Omit<LeafRow, 'leaf'> }[]>;
  heads: HeadToCheck[];
  /** The log's public key (SPKI PEM). */
  publicKey: string;
  /** Heads kept outside the log (an earlier bundle or head): the log must still have these roots at these sizes. */
  anchors?: { size: number; rootHash: string; from: string }[];
  /** Compares recomputed nodes with the stored ones (database mode). */
  checkNodes?: (nodes: (M.NodeKey & { hash: M.Hash })[]) => Promise<Finding[]>;
}

export interface LogResult {
  size: number;
  root: M.Hash;
  findings: Finding[];
  /** The latest leaf of each entity, "type/id" → its state hash and seq. */
  latest: Map<string, { seq: number; stateHash: string; action: string }>;
}

const isSize = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

export async function checkLog(input: LogInput): Promise<LogResult> {
  const findings: Finding[] = [];
  const keyId = keyIdOf(createPublicKey(input.publicKey));
  const anchors = input.anchors ?? [];
  for (const x of [...input.heads, ...anchors]) {
    if (!isSize(x.size)) findings.push({ problem: 'head_malformed', detail: `A head has the size ${JSON.stringify(x.size)}, which is no leaf count.` });
  }
  const heads = input.heads.filter((x) => isSize(x.size));
  // leaves are hashed in runs that end exactly where a head or an anchor has to be checked
  const due = [...new Set([...heads, ...anchors].map((x) => x.size).filter(isSize))].sort((a, b) => a - b);
  let d = 0;
  let size = 0;
  let frontier: M.Frontier = [];
  const latest: LogResult['latest'] = new Map();

  const checkHead = (head: HeadToCheck, root: M.Hash) => {
    if (head.rootHash !== root.toString('hex')) {
      findings.push({ problem: 'head_root_mismatch', detail: `The signed head of size ${head.size} has root ${head.rootHash}, but the leaves give ${root.toString('hex')}.` });
    }
    const payload = headPayload({ size: head.size, rootHash: head.rootHash, timestamp: head.timestamp, keyId: head.keyId });
    if (head.keyId !== keyId || !verifyPayload(input.publicKey, payload, head.signature)) {
      findings.push({ problem: 'head_signature_invalid', detail: `The signature of the head of size ${head.size} does not verify with the log key ${keyId}.` });
    }
    for (const c of head.cosignatures ?? []) {
      const key = c.publicKey ? parsePublicKey(c.publicKey) : null;
      if (!key || key.keyId !== c.keyId || !verifyPayload(key.pem, payload, c.signature)) {
        findings.push({ problem: 'cosignature_invalid', detail: `The cosignature of account ${c.accountId} on the head of size ${head.size} does not verify with the key it names.` });
      }
    }
  };
  const checkDue = () => {
    while (d < due.length && due[d] <= size) {
      if (due[d] === size) {
        const root = M.frontierRoot(size, frontier);
        for (const head of heads) if (head.size === size) checkHead(head, root);
        for (const a of anchors) {
          if (a.size === size && a.rootHash !== root.toString('hex')) {
            findings.push({ problem: 'history_rewritten', detail: `${a.from} recorded root ${a.rootHash} at ${a.size} leaves, but the log now gives ${root.toString('hex')}.` });
          }
        }
      }
      d++;
    }
  };

  let pending: M.Hash[] = [];
  const flush = async () => {
    if (!pending.length) return;
    const grown = M.append(size, frontier, pending);
    if (input.checkNodes) findings.push(...(await input.checkNodes(grown.nodes)));
    ({ frontier, size } = grown);
    pending = [];
    checkDue();
  };
  checkDue();
  for await (const page of input.pages) {
    for (const { seq, leaf, row } of page) {
      const position = size + pending.length;
      if (typeof leaf !== 'string') {
        findings.push({ problem: 'leaf_unreadable', detail: `Leaf ${position} is not text.` });
        continue;
      }
      if (seq !== position) {
        findings.push({ problem: 'leaf_sequence_broken', detail: `Expected leaf ${position} next but found leaf ${seq}: leaves were deleted or reordered.` });
      }
      let parsed: any = null;
      try {
        parsed = JSON.parse(leaf);
      } catch {
        findings.push({ problem: 'leaf_unreadable', detail: `Leaf ${seq} is not JSON.` });
      }
      if (parsed) {
        if (canonicalize(parsed) !== leaf) findings.push({ problem: 'leaf_not_canonical', detail: `Leaf ${seq} is not in canonical JSON (RFC 8785).` });
        if (parsed.seq !== position) {
          findings.push({ problem: 'leaf_out_of_place', detail: `The leaf at position ${position} says it is leaf ${parsed.seq}: leaves were swapped or moved.` });
        }
        if (row && leafText({ ...row, seq: parsed.seq }) !== leaf) {
          findings.push({ problem: 'leaf_columns_changed', detail: `The columns of leaf ${seq} no longer match its hashed content.` });
        }
        if (parsed.entity) latest.set(`${parsed.entity.type}/${parsed.entity.id}`, { seq: parsed.seq, stateHash: parsed.stateHash, action: parsed.action });
      }
      pending.push(M.leafHash(Buffer.from(leaf)));
      if (d < due.length && due[d] === size + pending.length) await flush();
    }
    await flush();
  }
  for (const head of heads) {
    if (head.size > size) findings.push({ problem: 'head_beyond_log', detail: `A signed head covers ${head.size} leaves but the log has only ${size}: leaves were deleted.` });
  }
  for (const a of anchors) {
    if (isSize(a.size) && a.size > size) findings.push({ problem: 'history_truncated', detail: `${a.from} recorded ${a.size} leaves but the log now has only ${size}.` });
  }
  const signed = Math.max(0, ...heads.map((x) => x.size));
  if (size > signed) {
    findings.push({
      problem: 'leaves_unsigned',
      detail: `Leaves ${signed} to ${size - 1} are covered by no signed head: they could have been written by anyone with database access.`,
    });
  }
  return { size, root: M.frontierRoot(size, frontier), findings, latest };
}

/** Entity states (from rows or a bundle's snapshot) against their latest leaves. */
export function checkEntities(states: Map<string, Map<string, unknown>>, latest: LogResult['latest']): Finding[] {
  const findings: Finding[] = [];
  const nullHash = stateHash(null);
  for (const [type, rows] of states) {
    for (const [id, state] of rows) {
      const leaf = latest.get(`${type}/${id}`);
      if (!leaf) findings.push({ problem: 'row_without_leaf', detail: `${type} ${id} exists but no leaf records it: it was written behind the ledger's back.` });
      else if (leaf.stateHash !== stateHash(state)) {
        findings.push({ problem: 'row_changed', detail: `${type} ${id} differs from the state recorded by leaf ${leaf.seq} (${leaf.action}): it was changed behind the ledger's back.` });
      }
    }
  }
  for (const [key, leaf] of latest) {
    const [type, id] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    if (states.has(type) && !states.get(type)!.has(id) && leaf.stateHash !== nullHash) {
      findings.push({ problem: 'row_deleted', detail: `${type} ${id} was recorded by leaf ${leaf.seq} (${leaf.action}) but is gone from the database.` });
    }
  }
  return findings;
}

const headToCheck = (h: HeadRow, cos: CosignatureRow[]): HeadToCheck => ({
  size: h.size,
  rootHash: h.rootHash,
  timestamp: h.at.toISOString(),
  keyId: h.keyId,
  signature: h.signature,
  cosignatures: cos.filter((c) => c.size === h.size).map((c) => ({ accountId: c.accountId, keyId: c.keyId, signature: c.signature, publicKey: c.publicKey })),
});

/** Everything against a live database, in one read-only snapshot: leaves, nodes, heads, the log's state row and every entity. */
export async function verifyDatabase(db: Db, publicKey: string, anchors: LogInput['anchors'] = []): Promise<{ size: number; findings: Finding[] }> {
  return db.tx(async (q) => {
    // one snapshot, so writes committed meanwhile (another instance is serving) are not half seen
    await q.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return verifySnapshot(q, publicKey, anchors);
  });
}

/** The same checks over whatever the given connection sees (the tests tamper in a transaction and look). */
export async function verifySnapshot(db: Queryable, publicKey: string, anchors: LogInput['anchors'] = []): Promise<{ size: number; findings: Finding[] }> {
  const heads = await store.allHeads(db);
  const cos = await store.cosignatures(db);
  async function* pages() {
    for await (const rows of store.allLeaves(db)) yield rows.map(({ leaf, ...row }) => ({ seq: row.seq, leaf, row }));
  }
  const checkNodes = async (nodes: (M.NodeKey & { hash: M.Hash })[]) => {
    const stored = await store.nodes(db, nodes);
    const out: Finding[] = [];
    for (const n of nodes) {
      const s = stored.get(`${n.level}/${n.index}`);
      if (!s || !s.equals(n.hash)) out.push({ problem: 'node_mismatch', detail: `Stored tree node ${n.level}/${n.index} is ${s ? 'different from' : 'missing, unlike'} the one the leaves give.` });
    }
    return out;
  };
  const log = await checkLog({ pages: pages(), heads: heads.map((h) => headToCheck(h, cos)), publicKey, anchors, checkNodes });
  const state = await store.logState(db);
  if (state.size !== log.size) log.findings.push({ problem: 'log_size_mismatch', detail: `The log says it has ${state.size} leaves but ${log.size} are stored.` });
  else if (!M.frontierRoot(state.size, state.frontier).equals(log.root)) {
    log.findings.push({ problem: 'log_root_mismatch', detail: 'The log’s current root differs from the one its leaves give.' });
  }
  const states = new Map<string, Map<string, unknown>>();
  for (const type of ENTITY_TYPES) states.set(type, await loadStates(db, type));
  return { size: log.size, findings: [...log.findings, ...checkEntities(states, log.latest)] };
}

export interface Bundle {
  format: 'truce-ledger-bundle/1';
  exportedAt: string;
  log: { keyId: string; publicKey: string };
  leaves: string[];
  heads: HeadToCheck[];
  /** The entities' states when exported, by type and id. */
  entities: Record<string, Record<string, unknown>>;
}

export async function exportBundle(db: Queryable, publicKey: string): Promise<Bundle> {
  const leaves: string[] = [];
  for await (const rows of store.allLeaves(db)) for (const r of rows) leaves.push(r.leaf);
  const cos = await store.cosignatures(db);
  const entities: Bundle['entities'] = {};
  for (const type of ENTITY_TYPES) entities[type] = Object.fromEntries(await loadStates(db, type));
  return {
    format: 'truce-ledger-bundle/1',
    exportedAt: new Date().toISOString(),
    log: { keyId: keyIdOf(createPublicKey(publicKey)), publicKey },
    leaves,
    heads: (await store.allHeads(db)).map((h) => headToCheck(h, cos)),
    entities,
  };
}

/** A bundle's shape, checked before anything is trusted: each flaw is a finding, never a crash. */
function bundleFlaws(b: any): Finding[] {
  const flaw = (detail: string) => ({ problem: 'bundle_malformed', detail });
  if (!b || typeof b !== 'object' || b.format !== 'truce-ledger-bundle/1') return [flaw('This is not a truce ledger bundle (format truce-ledger-bundle/1).')];
  const out: Finding[] = [];
  if (!b.log || typeof b.log.publicKey !== 'string' || !parseLogKey(b.log.publicKey)) out.push(flaw('The bundle has no readable Ed25519 log key (log.publicKey).'));
  if (!Array.isArray(b.leaves) || b.leaves.some((l: unknown) => typeof l !== 'string')) out.push(flaw('leaves must be a list of leaf texts.'));
  if (!Array.isArray(b.heads) || b.heads.some((h: any) => !h || typeof h !== 'object' || !Array.isArray(h.cosignatures ?? []))) out.push(flaw('heads must be a list of signed heads.'));
  if (!b.entities || typeof b.entities !== 'object' || Object.values(b.entities).some((v) => !v || typeof v !== 'object')) {
    out.push(flaw('entities must hold the state of every entity type when exported; without it no row can be checked.'));
  }
  return out;
}

function parseLogKey(pem: string): string | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? keyIdOf(key) : null;
  } catch {
    return null;
  }
}

/**
 * Everything a bundle holds, with no database and no server. The key id returned is computed
 * from the key the bundle carries (never taken from the bundle's say-so); pin it with `keyId`.
 */
export async function verifyBundle(b: Bundle, opts: { keyId?: string; anchors?: LogInput['anchors'] } = {}): Promise<{ size: number; keyId: string; findings: Finding[] }> {
  const flaws = bundleFlaws(b);
  if (flaws.length) return { size: 0, keyId: '', findings: flaws };
  const keyId = parseLogKey(b.log.publicKey)!;
  const findings: Finding[] = [];
  if (b.log.keyId !== keyId) findings.push({ problem: 'bundle_key_mismatch', detail: `The bundle names key ${b.log.keyId} but carries key ${keyId}.` });
  if (opts.keyId && opts.keyId !== keyId) findings.push({ problem: 'log_key_unexpected', detail: `The log is signed with key ${keyId}, not the expected ${opts.keyId}.` });
  async function* pages() {
    yield b.leaves.map((leaf, seq) => ({ seq, leaf }));
  }
  const log = await checkLog({ pages: pages(), heads: b.heads, publicKey: b.log.publicKey, anchors: opts.anchors });
  const states = new Map(Object.entries(b.entities).map(([t, rows]) => [t, new Map(Object.entries(rows))]));
  return { size: log.size, keyId, findings: [...findings, ...log.findings, ...checkEntities(states, log.latest)] };
}
