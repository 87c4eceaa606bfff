import { describe, expect, it } from 'vitest';
import * as M from './merkle.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// Certificate Transparency reference vectors (RFC 6962/9162 hashing): leaves, roots of sizes 1..8,
// and published inclusion and consistency proofs.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [2, 8, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

/** A tree built the way the store builds it: appended leaf by leaf, perfect subtrees kept. */
function stored(leaves: M.Hash[]) {
  const nodes = new Map<string, M.Hash>();
  const out = M.append(0, [], leaves);
  for (const n of out.nodes) nodes.set(`${n.level}/${n.index}`, n.hash);
  const node = (k: M.NodeKey) => {
    const h = nodes.get(`${k.level}/${k.index}`);
    if (!h) throw new Error(`no node ${k.level}/${k.index}`);
    return h;
  };
  return {
    out,
    inclusion: (i: number, n: number) => M.inclusionRanges(i, n).map((r) => M.rangeHash(r, node)),
    consistency: (a: number, b: number) => M.consistencyRanges(a, b).map((r) => M.rangeHash(r, node)),
    root: (n: number) => (n === 0 ? M.EMPTY_ROOT : M.rangeHash([0, n], node)),
  };
}

const CT_HASHES = CT_LEAVES.map(M.leafHash);
const ct = stored(CT_HASHES);

describe('RFC 9162 hashing', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(hex(M.EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(M.rootOf([]))).toBe(hex(M.EMPTY_ROOT));
  });

  it.each(CT_ROOTS.map((r, i) => [i + 1, r]))('gives the reference root for %i leaves, by definition, from storage and from the frontier', (n, want) => {
    expect(hex(M.rootOf(CT_HASHES.slice(0, n)))).toBe(want);
    expect(hex(ct.root(n))).toBe(want);
    const grown = M.append(0, [], CT_HASHES.slice(0, n));
    expect(hex(M.frontierRoot(grown.size, grown.frontier))).toBe(want);
  });

  it('splits at the largest power of two smaller than n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000].map(M.splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512]);
  });

  it.each(CT_INCLUSION)('builds and verifies the reference inclusion proof of leaf %i in %i', (i, n, proof) => {
    expect(ct.inclusion(i, n).map(hex)).toEqual(proof);
    expect(M.verifyInclusion(i, n, CT_HASHES[i], proof.map(unhex), unhex(CT_ROOTS[n - 1]))).toBe(true);
  });

  it.each(CT_CONSISTENCY)('builds and verifies the reference consistency proof %i → %i', (a, b, proof) => {
    expect(ct.consistency(a, b).map(hex)).toEqual(proof);
    expect(M.verifyConsistency(a, b, unhex(CT_ROOTS[a - 1]), unhex(CT_ROOTS[b - 1]), proof.map(unhex))).toBe(true);
  });
});

const synthetic = (n: number) => Array.from({ length: n }, (_, i) => M.leafHash(Buffer.from(`leaf ${i}`)));

describe('proofs for every tree up to 64 leaves', () => {
  const leaves = synthetic(64);
  const t = stored(leaves);
  it('every inclusion proof verifies, and a wrong index, leaf or path does not', () => {
    for (let n = 1; n <= 64; n++) {
      const root = M.rootOf(leaves.slice(0, n));
      expect(hex(t.root(n))).toBe(hex(root));
      for (let i = 0; i < n; i++) {
        const p = t.inclusion(i, n);
        expect(M.verifyInclusion(i, n, leaves[i], p, root), `${i} in ${n}`).toBe(true);
        if (n > 1) {
          expect(M.verifyInclusion((i + 1) % n, n, leaves[i], p, root)).toBe(false);
          expect(M.verifyInclusion(i, n, leaves[(i + 1) % n], p, root)).toBe(false);
          const bent = p.map((h, j) => (j === 0 ? M.leafHash(h) : h));
          expect(M.verifyInclusion(i, n, leaves[i], bent, root)).toBe(false);
          expect(M.verifyInclusion(i, n, leaves[i], p.slice(1), root)).toBe(false);
        }
        expect(M.verifyInclusion(i, n, leaves[i], [...p, root], root)).toBe(false);
      }
    }
  });

  it('every consistency proof verifies, and a wrong root or path does not', () => {
    for (let b = 1; b <= 64; b++) {
      const rb = M.rootOf(leaves.slice(0, b));
      for (let a = 0; a <= b; a++) {
        const ra = M.rootOf(leaves.slice(0, a));
        const p = t.consistency(a, b);
        expect(M.verifyConsistency(a, b, ra, rb, p), `${a} → ${b}`).toBe(true);
        if (a > 0 && a < b) {
          expect(M.verifyConsistency(a, b, M.leafHash(ra), rb, p)).toBe(false);
          expect(M.verifyConsistency(a, b, ra, M.leafHash(rb), p)).toBe(false);
          expect(M.verifyConsistency(a, b, ra, rb, p.slice(0, -1))).toBe(false);
          expect(M.verifyConsistency(a, b, ra, rb, [...p].reverse().length > 1 ? [...p].reverse() : [M.leafHash(p[0])])).toBe(false);
        }
      }
    }
  });
});

describe('large trees', () => {
  // A seeded generator, so a failure can be replayed.
  let seed = 20160227;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const leaves = synthetic(50_000);
  const t = stored(leaves);
  it('random inclusion and consistency proofs in random large sizes verify against the definition', () => {
    for (let k = 0; k < 25; k++) {
      const n = 1 + rand(leaves.length);
      const root = M.rootOf(leaves.slice(0, n));
      expect(hex(t.root(n))).toBe(hex(root));
      const i = rand(n);
      expect(M.verifyInclusion(i, n, leaves[i], t.inclusion(i, n), root)).toBe(true);
      const a = 1 + rand(n);
      expect(M.verifyConsistency(a, n, M.rootOf(leaves.slice(0, a)), root, t.consistency(a, n))).toBe(true);
    }
  });
});
