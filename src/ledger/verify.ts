// The verifier: recomputes the log from its leaves and checks every hash, head, signature and
// (against a database or a bundle's snapshot) every entity's current state. Needs no server.
import canonicalize from 'canonicalize';
import { commitState, commitSubject, ENTITY_TYPES, isSensitive, loadRows, stateHash } from './entities.ts';
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
  cosignatures: { accountId: string; accountName?: string; keyId: string; signature: string; publicKey: string }[];
}

/** A head kept outside the log (an earlier bundle, a co-chair's copy): the log must still have this root at this size. */
export interface Anchor {
  size: number;
  rootHash: string;
  /** Who kept it, for the report: a file name, with its cosigner when it carries one. */
  from: string;
  /** The log's signature, when the kept head carries it: checked with the log key. */
  timestamp?: string;
  keyId?: string;
  signature?: string;
}

/** A format 2 leaf of a sensitive type opened: the actor and entity it commits to. */
export interface Opening {
  actorId: string | null;
  actorRole: string;
  entityId: string;
}

/** Up to which size the log is vouched for from outside the server, and by whom. */
export interface Anchored {
  size: number;
  by: string[];
}

export interface LogInput {
  /** Leaves in the order stored: the text that was hashed, and (from a database) the row's own columns. */
  pages: AsyncIterable<{ seq: number; leaf: string; row?: Omit<LeafRow, 'leaf'>; opening?: Opening }[]>;
  heads: HeadToCheck[];
  /** The log's public key (SPKI PEM). */
  publicKey: string;
  /** Heads kept outside the log (an earlier bundle or head): the log must still have these roots at these sizes. */
  anchors?: Anchor[];
  /** The salt of a row, to check a sensitive leaf's commitment to actor and entity. */
  saltOf?: (type: string, id: string) => Uint8Array | undefined;
  /** Compares recomputed nodes with the stored ones (database mode). */
  checkNodes?: (nodes: (M.NodeKey & { hash: M.Hash })[]) => Promise<Finding[]>;
}

export interface LogResult {
  size: number;
  root: M.Hash;
  findings: Finding[];
  /** The latest leaf of each entity, "type/id" → its state hash and seq. */
  latest: Map<string, { seq: number; stateHash: string; action: string; version: number }>;
  /** The largest size a valid cosignature or a kept head vouches for, or null. */
  anchored: Anchored | null;
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
  const attested = new Map<number, Set<string>>();
  const attest = (n: number, by: string) => (attested.get(n) ?? attested.set(n, new Set()).get(n)!).add(by);
  for (const a of anchors) {
    if (a.signature === undefined) continue;
    const payload = headPayload({ size: a.size, rootHash: a.rootHash, timestamp: a.timestamp ?? '', keyId: a.keyId ?? '' });
    if (a.keyId !== keyId || !verifyPayload(input.publicKey, payload, a.signature)) {
      findings.push({ problem: 'anchor_signature_invalid', detail: `${a.from} is not signed with the log key ${keyId}: it vouches for nothing.` });
    }
  }

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
      } else if (head.rootHash === root.toString('hex')) attest(head.size, `co-chair ${c.accountName ?? c.accountId} (cosigned)`);
    }
  };
  const checkDue = () => {
    while (d < due.length && due[d] <= size) {
      if (due[d] === size) {
        const root = M.frontierRoot(size, frontier);
        for (const head of heads) if (head.size === size) checkHead(head, root);
        for (const a of anchors) {
          if (a.size !== size) continue;
          if (a.rootHash !== root.toString('hex')) {
            findings.push({ problem: 'history_rewritten', detail: `${a.from} recorded root ${a.rootHash} at ${a.size} leaves, but the log now gives ${root.toString('hex')}.` });
          } else attest(a.size, a.from);
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
    for (const { seq, leaf, row, opening } of page) {
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
        const version = parsed.version ?? 1;
        if (version !== 1 && version !== 2) findings.push({ problem: 'leaf_version_unknown', detail: `Leaf ${seq} is in format ${JSON.stringify(parsed.version)}, which this verifier does not know.` });
        const type = parsed.entity?.type;
        let id: string | undefined = parsed.entity?.id;
        if (version === 2 && typeof parsed.subject === 'string') {
          // a sensitive leaf names neither actor nor entity: the row's columns or the bundle open it, and the salt checks the opening
          const o = opening ?? (row ? { actorId: row.actorId, actorRole: row.actorRole, entityId: row.entityId } : undefined);
          const salt = o ? input.saltOf?.(type, o.entityId) : undefined;
          if (!o) findings.push({ problem: 'leaf_unopened', detail: `Leaf ${seq} (${type}) commits to its actor and entity, and nothing here opens it: its row cannot be checked.` });
          else if (salt && commitSubject(salt, { ...o, entityType: type, seq: parsed.seq }) !== parsed.subject) {
            findings.push({ problem: 'leaf_subject_mismatch', detail: `Leaf ${seq} (${type}) does not commit to the actor and entity ${row ? 'its columns' : 'the bundle'} name: they were changed.` });
          }
          id = o?.entityId;
        } else if (version === 2 && isSensitive(type)) {
          findings.push({ problem: 'leaf_not_hiding', detail: `Leaf ${seq} of the sensitive type ${type} names its actor and entity in clear.` });
        }
        if (type !== undefined && id !== undefined) latest.set(`${type}/${id}`, { seq: parsed.seq, stateHash: parsed.stateHash, action: parsed.action, version });
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
  const sizes = [...attested.keys()].filter((n) => n <= size);
  const top = sizes.length ? Math.max(...sizes) : null;
  return { size, root: M.frontierRoot(size, frontier), findings, latest, anchored: top === null ? null : { size: top, by: [...attested.get(top)!] } };
}

/** Entity states (from rows or a bundle's snapshot) against their latest leaves. */
export function checkEntities(states: Map<string, Map<string, { state: unknown; salt: Uint8Array | null }>>, latest: LogResult['latest']): Finding[] {
  const findings: Finding[] = [];
  const nullHash = stateHash(null);
  for (const [type, rows] of states) {
    for (const [id, { state, salt }] of rows) {
      const leaf = latest.get(`${type}/${id}`);
      if (!leaf) findings.push({ problem: 'row_without_leaf', detail: `${type} ${id} exists but no leaf records it: it was written behind the ledger's back.` });
      else if (leaf.stateHash !== (leaf.version === 1 ? stateHash(state) : commitState(salt, state))) {
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
  cosignatures: cos.filter((c) => c.size === h.size).map((c) => ({ accountId: c.accountId, accountName: c.accountName, keyId: c.keyId, signature: c.signature, publicKey: c.publicKey })),
});

/** Everything against a live database, in one read-only snapshot: leaves, nodes, heads, the log's state row and every entity. */
export interface Verdict {
  size: number;
  findings: Finding[];
  anchored: Anchored | null;
}

export async function verifyDatabase(db: Db, publicKey: string, anchors: Anchor[] = []): Promise<Verdict> {
  return db.tx(async (q) => {
    // one snapshot, so writes committed meanwhile (another instance is serving) are not half seen
    await q.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return verifySnapshot(q, publicKey, anchors);
  });
}

/** The same checks over whatever the given connection sees (the tests tamper in a transaction and look). */
export async function verifySnapshot(db: Queryable, publicKey: string, anchors: Anchor[] = []): Promise<Verdict> {
  const heads = await store.allHeads(db);
  const states = new Map<string, Map<string, { state: unknown; salt: Uint8Array }>>();
  for (const type of ENTITY_TYPES) states.set(type, await loadRows(db, type));
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
  const saltOf = (type: string, id: string) => states.get(type)?.get(id)?.salt;
  const log = await checkLog({ pages: pages(), heads: heads.map((h) => headToCheck(h, cos)), publicKey, anchors, checkNodes, saltOf });
  const state = await store.logState(db);
  if (state.size !== log.size) log.findings.push({ problem: 'log_size_mismatch', detail: `The log says it has ${state.size} leaves but ${log.size} are stored.` });
  else if (!M.frontierRoot(state.size, state.frontier).equals(log.root)) {
    log.findings.push({ problem: 'log_root_mismatch', detail: 'The log’s current root differs from the one its leaves give.' });
  }
  return { size: log.size, findings: [...log.findings, ...checkEntities(states, log.latest)], anchored: log.anchored };
}

export interface Bundle {
  /** Format 2 carries salts and openings; format 1 (before salts) is still read. */
  format: 'truce-ledger-bundle/2' | 'truce-ledger-bundle/1';
  exportedAt: string;
  log: { keyId: string; publicKey: string };
  leaves: string[];
  /** Format 2 leaves of sensitive types opened, by seq: the actor and entity each commits to. */
  openings?: Record<string, Opening>;
  heads: HeadToCheck[];
  /** The entities' states when exported, by type and id. */
  entities: Record<string, Record<string, unknown>>;
  /** Their salts (hex), by type and id: with them the bundle holds everything the record hides. */
  salts?: Record<string, Record<string, string>>;
}

export const BUNDLE_FORMATS = ['truce-ledger-bundle/2', 'truce-ledger-bundle/1'];

/** The task force's full export: every leaf, head and row, with the salts and openings that make the hidden parts checkable. */
export async function exportBundle(db: Queryable, publicKey: string): Promise<Bundle> {
  const leaves: string[] = [];
  const openings: Bundle['openings'] = {};
  for await (const rows of store.allLeaves(db)) {
    for (const r of rows) {
      leaves.push(r.leaf);
      if (r.subject !== null) openings[r.seq] = { actorId: r.actorId, actorRole: r.actorRole, entityId: r.entityId };
    }
  }
  const cos = await store.cosignatures(db);
  const entities: Bundle['entities'] = {};
  const salts: NonNullable<Bundle['salts']> = {};
  for (const type of ENTITY_TYPES) {
    const rows = await loadRows(db, type);
    entities[type] = Object.fromEntries([...rows].map(([id, r]) => [id, r.state]));
    salts[type] = Object.fromEntries([...rows].map(([id, r]) => [id, r.salt.toString('hex')]));
  }
  return {
    format: 'truce-ledger-bundle/2',
    exportedAt: new Date().toISOString(),
    log: { keyId: keyIdOf(createPublicKey(publicKey)), publicKey },
    leaves,
    openings,
    heads: (await store.allHeads(db)).map((h) => headToCheck(h, cos)),
    entities,
    salts,
  };
}

/** A bundle's shape, checked before anything is trusted: each flaw is a finding, never a crash. */
function bundleFlaws(b: any): Finding[] {
  const flaw = (detail: string) => ({ problem: 'bundle_malformed', detail });
  if (!b || typeof b !== 'object' || !BUNDLE_FORMATS.includes(b.format)) return [flaw(`This is not a truce ledger bundle (format ${BUNDLE_FORMATS.join(' or ')}).`)];
  const out: Finding[] = [];
  if (!b.log || typeof b.log.publicKey !== 'string' || !parseLogKey(b.log.publicKey)) out.push(flaw('The bundle has no readable Ed25519 log key (log.publicKey).'));
  if (!Array.isArray(b.leaves) || b.leaves.some((l: unknown) => typeof l !== 'string')) out.push(flaw('leaves must be a list of leaf texts.'));
  if (!Array.isArray(b.heads) || b.heads.some((h: any) => !h || typeof h !== 'object' || !Array.isArray(h.cosignatures ?? []))) out.push(flaw('heads must be a list of signed heads.'));
  if (!b.entities || typeof b.entities !== 'object' || Object.values(b.entities).some((v) => !v || typeof v !== 'object')) {
    out.push(flaw('entities must hold the state of every entity type when exported; without it no row can be checked.'));
  }
  const hexes = (v: any) => v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'string' && /^([0-9a-f]{2})+$/.test(x));
  if (b.salts !== undefined && (!b.salts || typeof b.salts !== 'object' || !Object.values(b.salts).every(hexes))) out.push(flaw('salts must hold hex salts by type and id.'));
  if (b.openings !== undefined && (!b.openings || typeof b.openings !== 'object' || Object.values(b.openings).some((o: any) => !o || typeof o.entityId !== 'string' || typeof o.actorRole !== 'string'))) {
    out.push(flaw('openings must hold, by seq, the actor and entity each sensitive leaf commits to.'));
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
export async function verifyBundle(b: Bundle, opts: { keyId?: string; anchors?: Anchor[] } = {}): Promise<Verdict & { keyId: string }> {
  const flaws = bundleFlaws(b);
  if (flaws.length) return { size: 0, keyId: '', findings: flaws, anchored: null };
  const keyId = parseLogKey(b.log.publicKey)!;
  const findings: Finding[] = [];
  if (b.log.keyId !== keyId) findings.push({ problem: 'bundle_key_mismatch', detail: `The bundle names key ${b.log.keyId} but carries key ${keyId}.` });
  if (opts.keyId && opts.keyId !== keyId) findings.push({ problem: 'log_key_unexpected', detail: `The log is signed with key ${keyId}, not the expected ${opts.keyId}.` });
  async function* pages() {
    yield b.leaves.map((leaf, seq) => ({ seq, leaf, opening: b.openings?.[seq] }));
  }
  const saltOf = (type: string, id: string) => {
    const hex = b.salts?.[type]?.[id];
    return hex === undefined ? undefined : Buffer.from(hex, 'hex');
  };
  const log = await checkLog({ pages: pages(), heads: b.heads, publicKey: b.log.publicKey, anchors: opts.anchors, saltOf });
  const states = new Map(Object.entries(b.entities).map(([t, rows]) => [t, new Map(Object.entries(rows).map(([id, state]) => [id, { state, salt: saltOf(t, id) ?? null }]))]));
  return { size: log.size, keyId, findings: [...findings, ...log.findings, ...checkEntities(states, log.latest)], anchored: log.anchored };
}
