// The vetting index on disk: a restart reads it (and only what changed since), and a file that is
// not this database's, was changed, or is ahead of or off the ledger's history is not used.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { PreparedArea } from '../geo/shapes.ts';
import { decide } from './decide.ts';
import type { VetRequest } from './model.ts';
import { keepTerritoryParts } from '../geo/prepared.ts';
import type { ClipPool } from './clipper.ts';
import { prepareTarget } from './decide.ts';
import { VettingIndex } from './index.ts';
import { decideBounded, IndexHolder, type SnapshotOptions } from './service.ts';
import { ensureLoaded, readSnapshot, snapshotKey, SnapshotRefused, writeSnapshot } from './snapshot.ts';
import { gridSecret } from './store.ts';

let t: TestApp;
let dir: string;
let file: string;
const logged: string[] = [];
const opts = (): SnapshotOptions => ({ file, minVertices: 0, everyMs: Infinity, log: (m) => logged.push(m) });
const at = Date.parse('2016-03-02T12:00:00Z');
const req = (lon: number, lat: number, radiusM = 0): VetRequest => ({ target: { type: 'Point', coordinates: [lon, lat] }, radiusM, at, homeState: 'SYR', operatesIn: ['SYR'] });
// the demo's Aleppo, Homs and Damascus, a disc on Idlib's lines, and the hospital added below
const probes = [req(37.16, 36.2), req(36.72, 34.73), req(36.29, 33.51), req(36.63, 35.93, 3000), req(36.5, 35.5, 200)];

const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

beforeAll(async () => {
  t = await testApp();
  // ground for the file's arrays: a committed party's and a designated one's, meeting on Idlib's lines
  for (const [party, g] of [['saaf', sq(36.4, 35.8, 36.63, 36.1)], ['nusra', sq(36.63, 35.8, 36.9, 36.1)]] as const) {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId(party), geometry: g, validFrom: '2016-02-01T00:00:00Z' } });
    expect(res.statusCode, res.body).toBe(201);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-vetting-snapshot-'));
  file = path.join(dir, 'vetting-index.bin');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function holderFrom() {
  const h = new IndexHolder(t.db, 60_000, opts());
  const ix = await h.get();
  await h.loaded(); // decide() below reads every part, not only those a decision ensured
  await h.flushed();
  h.stop();
  return { h, ix };
}

/** Where the arrays start in a file: after the sealed prefix (the arrays' length is its 7th 8-byte word). */
const arraysAt = (f: Buffer) => f.length - Number(f.readBigUInt64LE(48));

describe('the vetting index snapshot', () => {
  let before: string[];

  it('is written after a load from the database, and read back at the next start with the same decisions', async () => {
    const first = await holderFrom();
    expect(first.h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('no snapshot') });
    expect(fs.existsSync(file)).toBe(true);
    before = probes.map((p) => JSON.stringify(decide(first.ix, p)));
    const second = await holderFrom();
    expect(second.h.firstLoad?.from).toBe('snapshot');
    expect(second.ix.version).toBe(first.ix.version);
    expect(second.ix.territories.length).toBe(first.ix.territories.length);
    expect(probes.map((p) => JSON.stringify(decide(second.ix, p)))).toEqual(before);
    // both ways the territory parts are in shared memory: clipping jobs post them to a worker without a copy
    for (const { ix } of [first, second]) {
      for (const e of ix.territories) for (const a of [e.area.parts().xy, e.area.parts().grid.cellEdges]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('after a load from the file, reads what the ledger recorded since', async () => {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: 'Added after the snapshot', geometry: { type: 'Point', coordinates: [36.5, 35.5] }, bufferM: 500, validFrom: '2016-01-01T00:00:00Z' } });
    expect(res.statusCode, res.body).toBe(201);
    const { h, ix } = await holderFrom();
    expect(h.firstLoad?.from).toBe('snapshot');
    const d = decide(ix, probes[4]);
    expect(d.reasons.find((r) => r.code === 'PROTECTED_SITE')?.siteId).toBe(res.json().id);
  });

  it('is refused when a byte of its sealed prefix was changed, and the index comes from the database', async () => {
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[Math.floor(arraysAt(good) / 2)] ^= 1; // in the header
    fs.writeFileSync(file, bad);
    const { h, ix } = await holderFrom();
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('seal') });
    expect(probes.slice(0, 4).map((p) => JSON.stringify(decide(ix, p)))).toEqual(before.slice(0, 4));
  });

  it('is dropped when a byte of its arrays was changed: the index is decided from at once, then comes from the database', async () => {
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[good.length - 3] ^= 1; // the last part's arrays: the seal of the prefix holds, that chunk's digest does not
    fs.writeFileSync(file, bad);
    const h = new IndexHolder(t.db, 60_000, opts());
    try {
      await h.get();
      expect(h.firstLoad?.from).toBe('snapshot');
      await expect(h.loaded()).rejects.toThrow(/does not match its sealed digest/);
      const ix = await h.get();
      expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('sealed digest') });
      expect(probes.slice(0, 4).map((p) => JSON.stringify(decide(ix, p)))).toEqual(before.slice(0, 4));
      await h.flushed(); // and the file is written again from the database
      expect(logged).toContain('vetting index snapshot dropped while reading it');
    } finally {
      h.stop();
    }
    const again = await holderFrom();
    expect(again.h.firstLoad?.from).toBe('snapshot');
  });

  it('refuses a decision that meets a part whose chunk fails its check (503 INDEX_RELOADING), before the threads get there', async () => {
    const key = snapshotKey(await gridSecret(t.db));
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[good.length - 3] ^= 1;
    const tampered = path.join(dir, 'tampered.bin');
    fs.writeFileSync(tampered, bad);
    const d = await readSnapshot(tampered, key, { background: false });
    const cache = new Map();
    for (const x of d.territories) keepTerritoryParts(cache, x.row.id, x.parts);
    const ix = VettingIndex.build({ version: d.version, territories: d.territories.map((x) => x.row), sites: d.sites, corridors: d.corridors, parties: d.parties }, cache);
    const vr = req(36.5, 35.9);
    await expect(decideBounded(ix, vr, prepareTarget(vr), {} as ClipPool, 1000, 500)).rejects.toMatchObject({ code: 'INDEX_RELOADING', status: 503 });
    // and the same read of the sound file decides as the database's index does
    const sound = await readSnapshot(file, key, { background: false });
    const c2 = new Map();
    for (const x of sound.territories) keepTerritoryParts(c2, x.row.id, x.parts);
    const ix2 = VettingIndex.build({ version: sound.version, territories: sound.territories.map((x) => x.row), sites: sound.sites, corridors: sound.corridors, parties: sound.parties }, c2);
    expect(JSON.stringify(await decideBounded(ix2, probes[3], prepareTarget(probes[3]), {} as ClipPool, 1000, 500))).toBe(before[3]);
    sound.loading.drop('done');
    fs.rmSync(tampered);
  });

  it('keeps every site as it was, a point or an area, open-ended or not; a file of the earlier format is refused', async () => {
    const key = snapshotKey(await gridSecret(t.db));
    const d = await readSnapshot(file, key);
    await d.loading.all; // every array read, so the file can be written again from them
    const area = { id: '00000000-0000-4000-8000-00000000a7ea', kind: 'school' as const, name: 'Area site', geometry: sq(36.1, 35.1, 36.11, 35.11) as never, bufferM: 0, validFrom: 1, validTo: 2 };
    const sites = [...d.sites, area, { ...d.sites[0], id: '00000000-0000-4000-8000-0000000000b7', validTo: null }];
    const other = path.join(dir, 'sites.bin');
    await writeSnapshot(other, key, { ...d, sites });
    const back = await readSnapshot(other, key, { background: false });
    expect(back.sites).toEqual(sites);
    const old = fs.readFileSync(other);
    old.write('TRUCEVX3', 0); // the format before sites were kept as columns
    fs.writeFileSync(other, old);
    await expect(readSnapshot(other, key)).rejects.toThrow(/not a vetting index snapshot/);
  });

  it('is refused under another database’s key', async () => {
    await expect(readSnapshot(file, snapshotKey(randomBytes(32)))).rejects.toThrow(SnapshotRefused);
  });

  it('is refused when its root is not the ledger’s at its size, or its size is past the ledger’s', async () => {
    const key = snapshotKey(await gridSecret(t.db));
    const d = await readSnapshot(file, key);
    await d.loading.all;
    await writeSnapshot(file, key, { ...d, root: new Uint8Array(32) });
    let { h } = await holderFrom();
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('root') });
    await writeSnapshot(file, key, { ...d, version: d.version + 1_000 });
    ({ h } = await holderFrom());
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('past the ledger') });
  });

  it('of many chunks reads back the same arrays (by two threads, or a part at a time as decisions need them); a byte changed in its last chunk or its prefix, a cut file or a length past the end is refused', { timeout: 60_000 }, async () => {
    const key = snapshotKey(await gridSecret(t.db));
    // a ring of 1.5 million vertices: 24 MB of coordinates alone, so the arrays span many chunks of 256 KiB
    const n = 1_500_000;
    const ring: [number, number][] = Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n;
      return [37 + Math.cos(a), 35 + Math.sin(a)];
    });
    ring.push(ring[0]);
    const area = new PreparedArea([[ring]]);
    const big = path.join(dir, 'big.bin');
    const row = { id: '00000000-0000-4000-8000-0000000000b1', partyId: demoId('saaf'), polygons: [], validFrom: 0, validTo: null } as never;
    const { bytes: size } = await writeSnapshot(big, key, { version: 1, root: new Uint8Array(32), territories: [{ row, parts: [area] }], sites: [], corridors: [], parties: [] });
    expect(size).toBeGreaterThan(2 * 16 * 2 ** 20); // a hundred chunks and more: each thread reads some
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const back = await readSnapshot(big, key);
    await back.loading.all; // two threads read every chunk
    const p = back.territories[0].parts[0];
    expect(bytes(p.parts().xy).equals(bytes(area.parts().xy))).toBe(true);
    expect(bytes(p.parts().grid.cellEdges).equals(bytes(area.parts().grid.cellEdges))).toBe(true);
    expect([p.contains(37, 35), p.contains(38.5, 35)]).toEqual([true, false]);

    // without the threads: nothing is read until a decision needs the part, then its chunks are
    const lazy = await readSnapshot(big, key, { background: false });
    const q = lazy.territories[0].parts[0];
    expect(bytes(q.parts().xy).every((b) => b === 0)).toBe(true);
    ensureLoaded(() => [q]);
    expect(bytes(q.parts().xy).equals(bytes(area.parts().xy))).toBe(true);
    expect([q.contains(37, 35), q.contains(38.5, 35)]).toEqual([true, false]);
    lazy.loading.background();
    await lazy.loading.all; // the threads find every chunk read

    const good = fs.readFileSync(big);
    const bad = Buffer.from(good);
    bad[bad.length - 40] ^= 1; // the arrays' last bytes, in the last chunk: the prefix's seal holds
    fs.writeFileSync(big, bad);
    const tampered = await readSnapshot(big, key);
    await expect(tampered.loading.all).rejects.toThrow(/chunk \d+ of the file does not match its sealed digest/);
    expect(() => ensureLoaded(() => tampered.territories[0].parts)).toThrow(SnapshotRefused);
    const early = await readSnapshot(big, key, { background: false }); // the event loop's own read finds it too
    expect(() => ensureLoaded(() => early.territories[0].parts)).toThrow(/sealed digest/);
    await expect(early.loading.all).rejects.toThrow(SnapshotRefused);
    const prefixByte = Buffer.from(good);
    prefixByte[arraysAt(good) - 9] ^= 1; // in the sealed prefix
    fs.writeFileSync(big, prefixByte);
    await expect(readSnapshot(big, key)).rejects.toThrow(/seal/);
    fs.writeFileSync(big, good.subarray(0, good.length - 1000));
    await expect(readSnapshot(big, key)).rejects.toThrow(/not a vetting index snapshot/);
    for (const word of [40, 48]) {
      const past = Buffer.from(good);
      past.writeBigUInt64LE(BigInt(good.length), word); // the header's or the arrays' length, past the file's end
      fs.writeFileSync(big, past);
      await expect(readSnapshot(big, key)).rejects.toThrow(/not a vetting index snapshot/);
    }
    fs.rmSync(big);
  });

  it('is not written for a small map (below the vertex threshold)', async () => {
    fs.rmSync(file, { force: true });
    const h = new IndexHolder(t.db, 60_000, { ...opts(), minVertices: 1e12 });
    await h.get();
    await h.flushed();
    h.stop();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('is written by the server into its data directory', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-vetting-served-'));
    const s = await testApp({ config: { vettingSnapshot: true, vettingSnapshotMinVertices: 0, dataDir: own } });
    try {
      const res = await s.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { target: { type: 'Point', coordinates: [37.16, 36.2] }, at: '2016-03-02T12:00:00Z', requestingPartyId: demoId('saaf') } });
      expect(res.statusCode, res.body).toBe(201);
    } finally {
      await s.close(); // waits for the file
    }
    expect(fs.statSync(path.join(own, 'vetting-index.bin')).size).toBeGreaterThan(1000);
    fs.rmSync(own, { recursive: true, force: true });
  });
});
