// Clipping off the event loop: the worker's answer is the one worked out inline, a job past its
// deadline is given up (and its worker replaced), and a decision whose clipping missed the
// deadline is a review that says so, the rest of its reasons standing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { geodesicDisc } from '../geo/geodesy.ts';
import type { Position } from '../geo/shapes.ts';
import { ClipPool } from './clipper.ts';
import { runClipJob, type ClipJob } from './decide.ts';

const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
/** A ring of n vertices round (cx, cy): enough of them and a job takes a while. */
const round = (cx: number, cy: number, r: number, n: number): Position[] => {
  const ring: Position[] = Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)] as Position);
  ring.push(ring[0]);
  return ring;
};
const job = (n: number): ClipJob => ({
  partyId: 'c',
  dPartyIds: ['d'],
  rings: [[geodesicDisc(36.1, 35.1, 5000, 256)], [round(36.08, 35.1, 0.05, n)], [round(36.12, 35.1, 0.05, n)]],
  box: { minX: 36, minY: 35, maxX: 36.2, maxY: 35.2 },
  regions: [{ inside: 3, outside: 0 }, { inside: 3, outside: 4 }, { inside: 7, outside: 0 }],
  sliverM2: 1,
});

describe('ClipPool', () => {
  it('answers as the inline work does, and gives up a job past its deadline (the deadline counted once the worker has loaded)', async () => {
    const pool = new ClipPool(1, 60_000);
    try {
      const small = job(2_000);
      expect(await pool.run([small])).toEqual([runClipJob(small)]);
      expect(pool.stats).toEqual({ done: 1, late: 0 });
    } finally {
      await pool.close();
    }
    const strict = new ClipPool(1, 5);
    try {
      strict.warm();
      await new Promise((r) => setTimeout(r, 3_000)); // the worker loads its code; the deadline runs from then
      expect(await strict.run([job(400_000)])).toBeNull();
      expect(strict.stats.late).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('with no workers, every job is late', async () => {
    const none = new ClipPool(0, 1_000);
    expect(await none.run([job(10)])).toBeNull();
  });
});

describe('POST /api/v1/vetting on the clipping path', () => {
  const sqGeo = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [sq(x0, y0, x1, y1)] });
  const apps: Record<'inline' | 'worker' | 'late', TestApp> = {} as never;
  beforeAll(async () => {
    apps.inline = await testApp();
    apps.worker = await testApp({ config: { vettingInlineEdges: 0, vettingDeadlineMs: 60_000 } });
    apps.late = await testApp({ config: { vettingInlineEdges: 0, vettingWorkers: 0 } });
    for (const t of Object.values(apps)) {
      // government forces (committed) and Jabhat al-Nusra (designated) overlapping on 36.15-36.2
      for (const [party, g] of [['saaf', sqGeo(36.0, 35.0, 36.2, 35.2)], ['nusra', sqGeo(36.15, 35.0, 36.4, 35.2)]] as const) {
        const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId(party), geometry: g, validFrom: '2016-02-01T00:00:00Z' } });
        expect(res.statusCode, res.body).toBe(201);
      }
    }
  });
  afterAll(() => Promise.all(Object.values(apps).map((t) => t?.close())));

  const vet = (t: TestApp, target: object, radiusM?: number) =>
    t.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { target, ...(radiusM ? { radiusM } : {}), at: '2016-03-02T12:00:00Z', requestingPartyId: demoId('vks') } });
  const cases = [
    { name: 'a disc from the overlap into government ground', target: { type: 'Point', coordinates: [36.17, 35.1] }, radiusM: 4000, codes: ['COMMITTED_PARTY_TERRITORY', 'MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
    { name: 'a disc wholly in the overlap', target: { type: 'Point', coordinates: [36.175, 35.1] }, radiusM: 500, codes: ['MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
    { name: 'a polygon across all three', target: sqGeo(36.1, 35.05, 36.3, 35.15), codes: ['COMMITTED_PARTY_TERRITORY', 'MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
  ];

  it.each(cases)('$name: the worker decides as the event loop does', async ({ target, radiusM, codes }) => {
    const a = await vet(apps.inline, target, radiusM);
    const b = await vet(apps.worker, target, radiusM);
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    expect(a.json().reasons.map((r: { code: string }) => r.code)).toEqual(codes);
    expect({ decision: b.json().decision, reasons: b.json().reasons }).toEqual({ decision: a.json().decision, reasons: a.json().reasons });
  });

  it('past the deadline: a review naming the deadline and the parties, the other reasons kept', async () => {
    const res = await vet(apps.late, cases[0].target, cases[0].radiusM);
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v.decision).toBe('review');
    expect(v.reasons.map((r: { code: string }) => r.code)).toEqual(['DECISION_DEADLINE', 'DESIGNATED_GROUP_EXCEPTION']);
    expect(v.reasons[0].detail).toMatch(/took longer than the \d+ ms deadline/);
    expect(v.reasons[0].partyIds).toEqual([demoId('saaf'), demoId('nusra')].sort());
  });
});
