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
import { IndexHolder, type SnapshotOptions } from './service.ts';
import { readSnapshot, snapshotKey, SnapshotRefused, writeSnapshot } from './snapshot.ts';
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

beforeAll(async () => {
  t = await testApp();
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
  await h.flushed();
  h.stop();
  return { h, ix };
}

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

  it('is refused when a byte was changed, and the index comes from the database', async () => {
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 1;
    fs.writeFileSync(file, bad);
    const { h, ix } = await holderFrom();
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('seal') });
    expect(probes.slice(0, 4).map((p) => JSON.stringify(decide(ix, p)))).toEqual(before.slice(0, 4));
  });

  it('is refused under another database’s key', async () => {
    await expect(readSnapshot(file, snapshotKey(randomBytes(32)))).rejects.toThrow(SnapshotRefused);
  });

  it('is refused when its root is not the ledger’s at its size, or its size is past the ledger’s', async () => {
    const key = snapshotKey(await gridSecret(t.db));
    const d = await readSnapshot(file, key);
    await writeSnapshot(file, key, { ...d, root: new Uint8Array(32) });
    let { h } = await holderFrom();
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('root') });
    await writeSnapshot(file, key, { ...d, version: d.version + 1_000 });
    ({ h } = await holderFrom());
    expect(h.firstLoad).toMatchObject({ from: 'database', why: expect.stringContaining('past the ledger') });
  });

  it('of several chunks (read by two threads) reads back the same arrays; a byte changed in its last chunk, a cut file or a header past the end is refused', { timeout: 60_000 }, async () => {
    const key = snapshotKey(await gridSecret(t.db));
    // a ring of 1.5 million vertices: 24 MB of coordinates alone, so the arrays span three chunks of 16 MiB
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
    expect(size).toBeGreaterThan(2 * 16 * 2 ** 20); // three chunks: each thread reads some
    const back = await readSnapshot(big, key);
    const p = back.territories[0].parts[0];
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(p.parts().xy).equals(bytes(area.parts().xy))).toBe(true);
    expect(bytes(p.parts().grid.cellEdges).equals(bytes(area.parts().grid.cellEdges))).toBe(true);
    expect([p.contains(37, 35), p.contains(38.5, 35)]).toEqual([true, false]);

    const good = fs.readFileSync(big);
    const bad = Buffer.from(good);
    bad[bad.length - 40] ^= 1; // the arrays' last bytes, in the last chunk
    fs.writeFileSync(big, bad);
    await expect(readSnapshot(big, key)).rejects.toThrow(/seal/);
    fs.writeFileSync(big, good.subarray(0, good.length - 1000));
    await expect(readSnapshot(big, key)).rejects.toThrow(SnapshotRefused);
    const past = Buffer.from(good);
    past.writeBigUInt64LE(BigInt(good.length), 8); // the header's length, past the file's end
    fs.writeFileSync(big, past);
    await expect(readSnapshot(big, key)).rejects.toThrow(/not a vetting index snapshot/);
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
