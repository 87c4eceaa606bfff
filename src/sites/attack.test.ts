// Issue 8, finding 2: one agency could notify a "site" covering the world and so make every
// strike prohibited. Each variant must be refused with 422 naming the field, storing nothing,
// and a strike anywhere must stay as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ config: { vettingRefreshMs: 0 } });
});
afterAll(() => t?.close());

const ring = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
// targets far from every demo site: Paris, Tokyo, the South Atlantic, Homs, 25 km from Homs, on
// the equator, on the strip below, in the Syrian desert
const TARGETS = [[2.35, 48.86], [139.69, 35.69], [-20, -40], [36.72, 34.73], [36.9, 34.9], [10, 0.005], [38, 34.00005], [39, 35]];

const ATTACKS: [string, Record<string, unknown>, string][] = [
  ['the whole globe', { geometry: { type: 'Polygon', coordinates: [ring(-180, -90, 180, 90)] } }, 'geometry'],
  ['a point with a 50 km buffer', { geometry: { type: 'Point', coordinates: [36.72, 34.73] }, bufferM: 50_000 }, 'bufferM'],
  ['a box over the antimeridian', { geometry: { type: 'Polygon', coordinates: [[[179.99, 0], [-179.99, 0], [-179.99, 0.01], [179.99, 0.01], [179.99, 0]]] } }, 'geometry'],
  ['a ring around the north pole', { geometry: { type: 'Polygon', coordinates: [[[0, 89], [120, 89.5], [-120, 89.9], [0, 89]]] } }, 'geometry'],
  ['a cap over the north pole', { geometry: { type: 'Polygon', coordinates: [ring(-180, 40, 180, 90)] } }, 'geometry'],
  ['a box the size of Syria', { geometry: { type: 'Polygon', coordinates: [ring(35.7, 32.3, 42.4, 37.3)] } }, 'geometry'],
  ['a strip 10 m wide and 600 km long', { geometry: { type: 'Polygon', coordinates: [ring(35.7, 34.0, 42.4, 34.00009)] }, bufferM: 5000 }, 'geometry'],
];

async function strikes(): Promise<string[]> {
  const out: string[] = [];
  for (const coordinates of TARGETS) {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates } } });
    expect(res.statusCode, res.body).toBe(201);
    out.push(res.json().reasons.some((r: { code: string }) => r.code === 'PROTECTED_SITE') ? 'PROTECTED_SITE' : res.json().decision);
  }
  return out;
}

describe('one agency cannot make every strike prohibited', () => {
  it.each(ATTACKS)('refuses %s with 422 naming the field, storing nothing, and vetting is unchanged', async (_n, over, field) => {
    const before = await strikes();
    const stored = (await snapshot(t.db)).replace(/ vettings:.*/, '');
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'other', name: 'world', ...over } });
    const after = await strikes();
    console.log(`[attack] ${_n}: ${res.statusCode} ${res.json().code ?? ''} ${res.json().field ?? ''} ${res.json().detail ?? ''}; strikes before ${before.join(',')} after ${after.join(',')}`);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().field === field || res.json().field.startsWith(`${field}.`), res.body).toBe(true);
    expect((await snapshot(t.db)).replace(/ vettings:.*/, '')).toBe(stored); // the strikes vetted are recorded, nothing else
    expect(after).toEqual(before);
    expect(after).not.toContain('PROTECTED_SITE');
  });
});
