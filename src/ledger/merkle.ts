// Merkle tree hashing and proofs exactly as RFC 9162 §2.1 (pure; no I/O).
// Hand-written: the hash prefixes, split rule and proof shapes are the standard itself, and
// the storage-independent form (ranges over stored perfect subtrees) is what keeps proofs fast.
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export const EMPTY_ROOT: Hash = sha256();
export const leafHash = (leaf: Uint8Array): Hash => sha256(LEAF, leaf);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Hash => sha256(NODE, left, right);

/** The largest power of two smaller than n (n > 1): RFC 9162's split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes by the definition: the reference the stored form is checked against. */
export function rootOf(leaves: Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** A range [start, end) of leaves; its hash is MTH(D[start:end]). */
export type Range = readonly [number, number];

/** The ranges whose hashes form PATH(index, D[size]), in proof order (RFC 9162 §2.1.3.1). */
export function inclusionRanges(index: number, size: number): Range[] {
  const out: Range[] = [];
  const walk = (m: number, a: number, b: number) => {
    if (b - a <= 1) return;
    const k = splitPoint(b - a);
    if (m < k) {
      walk(m, a, a + k);
      out.push([a + k, b]);
    } else {
      walk(m - k, a + k, b);
      out.push([a, a + k]);
    }
  };
  walk(index, 0, size);
  return out;
}

/** The ranges whose hashes form PROOF(first, D[second]) (RFC 9162 §2.1.4.1). */
export function consistencyRanges(first: number, second: number): Range[] {
  const out: Range[] = [];
  const sub = (m: number, a: number, b: number, whole: boolean) => {
    if (m === b - a) {
      if (!whole) out.push([a, b]);
      return;
    }
    const k = splitPoint(b - a);
    if (m <= k) {
      sub(m, a, a + k, whole);
      out.push([a + k, b]);
    } else {
      sub(m - k, a + k, b, false);
      out.push([a, a + k]);
    }
  };
  if (first > 0 && first < second) sub(first, 0, second, true);
  return out;
}

/** A stored node: the root of the perfect subtree of 2^level leaves starting at index << level. */
export interface NodeKey {
  level: number;
  index: number;
}

const isPow2 = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** The perfect subtrees a range's hash is made of (every range in RFC proofs starts aligned). */
export function rangeNodes([a, b]: Range): NodeKey[] {
  const n = b - a;
  if (isPow2(n) && a % n === 0) return [{ level: Math.log2(n), index: a / n }];
  const k = splitPoint(n);
  return [...rangeNodes([a, a + k]), ...rangeNodes([a + k, b])];
}

/** A range's hash from its stored perfect subtrees. */
export function rangeHash([a, b]: Range, node: (k: NodeKey) => Hash): Hash {
  const n = b - a;
  if (isPow2(n) && a % n === 0) return node({ level: Math.log2(n), index: a / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash([a, a + k], node), rangeHash([a + k, b], node));
}

/**
 * The right edge of a tree: frontier[level] is the root of the perfect subtree of 2^level
 * leaves that is still waiting for its right sibling (present exactly where size has a 1 bit).
 */
export type Frontier = (Hash | null)[];

/** Appends leaf hashes; returns every newly completed node (leaves included) and the new frontier. */
export function append(size: number, frontier: Frontier, leaves: Hash[]): { nodes: (NodeKey & { hash: Hash })[]; frontier: Frontier; size: number } {
  const f = [...frontier];
  const nodes: (NodeKey & { hash: Hash })[] = [];
  for (const h of leaves) {
    let cur = h;
    let index = size;
    let level = 0;
    nodes.push({ level, index, hash: cur });
    while (index & 1) {
      cur = nodeHash(f[level]!, cur);
      f[level] = null;
      index = Math.floor(index / 2);
      level++;
      nodes.push({ level, index, hash: cur });
    }
    f[level] = cur;
    size++;
  }
  return { nodes, frontier: f, size };
}

/** The tree's root from its frontier: fold the right-edge subtrees from the smallest up. */
export function frontierRoot(size: number, frontier: Frontier): Hash {
  let root: Hash | null = null;
  for (let level = 0; 2 ** level <= size; level++) {
    if (Math.floor(size / 2 ** level) % 2 === 1) root = root ? nodeHash(frontier[level]!, root) : frontier[level]!;
  }
  return root ?? EMPTY_ROOT;
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leaf` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): boolean {
  if (index >= size || index < 0) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.compare(r, root) === 0;
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves is a prefix of the tree of `second`? */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: Uint8Array[]): boolean {
  if (first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && Buffer.compare(firstRoot, secondRoot) === 0;
  if (first === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  const path = isPow2(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return Buffer.compare(fr, firstRoot) === 0 && Buffer.compare(sr, secondRoot) === 0 && sn === 0;
}
