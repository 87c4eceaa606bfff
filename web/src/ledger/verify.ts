// Checks, in the browser, that a ledger leaf is in a signed tree head: the leaf hash and
// the RFC 9162 (Certificate Transparency 2.0) §2.1.3.2 inclusion proof, with WebCrypto.
// Nothing here trusts the server's arithmetic: only its hashes and the proof path. Given the
// row's salt and state (to whoever may read the row), it also checks the leaf's state commitment.
import canonicalize from 'canonicalize';

export type Bytes = Uint8Array<ArrayBuffer>;

export function hexToBytes(hex: string): Bytes {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`Not a hex string: ${hex.slice(0, 16)}…`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(...parts: Uint8Array[]): Promise<Bytes> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** SHA-256(0x00 || utf8(leaf)) */
export function leafHash(leaf: string): Promise<Bytes> {
  return sha256(LEAF_PREFIX, new TextEncoder().encode(leaf));
}

/** SHA-256(0x01 || left || right) */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  return sha256(NODE_PREFIX, left, right);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** RFC 9162 §2.1.3.2: true iff `proof` shows the leaf hash at `index` is in the tree of `size` leaves with `rootHash`. */
export async function verifyInclusion(index: number, size: number, leafHashBytes: Uint8Array, proof: Uint8Array[], rootHash: Uint8Array): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  // Plain numbers, not bitwise operators: those would truncate indices to 32 bits.
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHashBytes;
  const half = (n: number): number => Math.floor(n / 2);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, rootHash);
}

export interface ProofLeaf {
  seq: number;
  version?: number;
  leaf?: string;
  leafHash: string;
  stateHash?: string;
}

export interface ProofHead {
  size: number;
  rootHash: string;
  timestamp: string;
}

export interface EntityProof {
  entity: { type: string; id: string };
  leaf: ProofLeaf;
  head: ProofHead;
  proof: string[];
  salt?: string;
  state?: unknown;
}

export type VerifyResult = { ok: true; index: number; size: number; rootHash: string; timestamp: string; stateChecked: boolean } | { ok: false; reason: string };

/**
 * The leaf's state hash from a state: format 2 is SHA-256(salt || UTF-8 of the canonical JSON
 * (RFC 8785)), format 1 the same without the salt.
 */
export async function stateCommitment(version: number, state: unknown, salt: string | undefined): Promise<string> {
  const text = new TextEncoder().encode(canonicalize(state) ?? 'null');
  if (version === 1 || state === null) return bytesToHex(await sha256(text));
  return bytesToHex(await sha256(hexToBytes(salt ?? ''), text));
}

/** Recomputes the leaf hash from the leaf text, then checks the inclusion proof against the head's root. */
export async function verifyEntityProof(p: EntityProof): Promise<VerifyResult> {
  let computed: Bytes;
  let path: Bytes[];
  let root: Bytes;
  if (typeof p.leaf.leaf !== 'string') return { ok: false, reason: 'The leaf’s text is withheld from you, so it cannot be checked here.' };
  try {
    computed = await leafHash(p.leaf.leaf);
    path = p.proof.map(hexToBytes);
    root = hexToBytes(p.head.rootHash);
  } catch (e) {
    return { ok: false, reason: `The proof is malformed: ${(e as Error).message}` };
  }
  if (bytesToHex(computed) !== p.leaf.leafHash.toLowerCase()) {
    return { ok: false, reason: `The leaf's text does not hash to its stated leaf hash (computed ${bytesToHex(computed)}).` };
  }
  if (!(await verifyInclusion(p.leaf.seq, p.head.size, computed, path, root))) {
    return { ok: false, reason: `The inclusion proof for leaf ${p.leaf.seq} does not lead to the root of the signed head of size ${p.head.size}.` };
  }
  let stateChecked = false;
  if (p.state !== undefined && (p.salt !== undefined || p.leaf.version === 1)) {
    let parsed: { stateHash?: string; version?: number };
    try {
      parsed = JSON.parse(p.leaf.leaf);
      if (parsed.stateHash !== (await stateCommitment(parsed.version ?? 1, p.state, p.salt))) {
        return { ok: false, reason: `The current record of this ${p.entity.type} is not the state its leaf ${p.leaf.seq} commits to: it was changed behind the ledger’s back.` };
      }
    } catch (e) {
      return { ok: false, reason: `The state commitment cannot be checked: ${(e as Error).message}` };
    }
    stateChecked = true;
  }
  return { ok: true, index: p.leaf.seq, size: p.head.size, rootHash: p.head.rootHash, timestamp: p.head.timestamp, stateChecked };
}
