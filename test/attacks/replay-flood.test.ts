// Issue 12's review: a replay decides again with the data as of its decision's version, and a
// version not held is built (the record read as of then, every site prepared). A liaison replaying
// its own decisions made at many versions could hold the event loop and the database. Defence:
// a replay spends the account's vetting budget, and only a few past versions are built at once;
// a replay needing another gets 429 with Retry-After. Neither refusal changes stored data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexHolder } from '../../src/vetting/service.ts';
import { demoId, snapshot, testApp, type TestApp } from '../support/app.ts';

const AT = '2016-03-02T12:00:00Z';
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

let t: TestApp;
const mine: { id: string; dataVersion: number }[] = [];
beforeAll(async () => {
  // no past version may be built through this app, so every replay that passes the rate is refused by the bound
  t = await testApp({ config: { vettingRatePerMinute: 8, vettingReplayBuilds: 0 } });
  // six decisions, each at its own data version (a site is added between them)
  for (let i = 0; i < 6; i++) {
    const v = await t.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: AT, target: point(36.1 + i * 0.01, 35.1) } });
    expect(v.statusCode, v.body).toBe(201);
    mine.push(v.json());
    const s = await t.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: `School ${i}`, geometry: point(37 + i * 0.01, 34), bufferM: 100, validFrom: '2016-01-01T00:00:00Z' } });
    expect(s.statusCode, s.body).toBe(201);
  }
  expect(new Set(mine.map((m) => m.dataVersion)).size).toBe(6);
}, 120_000);
afterAll(() => t?.close());

describe('replays flooding past versions (issue 12)', () => {
  it('a replay spends the vetting budget: past the rate it is 429, and the refusals store nothing', async () => {
    const before = await snapshot(t.db);
    // 6 of the liaison's 8 a minute are spent: two replays pass the rate (and meet the build bound), the third does not
    const replay = (id: string) => t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${id}/replay` });
    const [a, b, c] = [await replay(mine[0].id), await replay(mine[1].id), await replay(mine[2].id)];
    for (const r of [a, b]) {
      expect(r.statusCode, r.body).toBe(429);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json().detail).toMatch(/other versions already being read/);
      expect(r.headers['retry-after']).toBe('2');
    }
    expect(c.statusCode, c.body).toBe(429);
    expect(c.json().detail).toMatch(/At most 8 vetting targets a minute/);
    expect(Number(c.headers['retry-after'])).toBeGreaterThan(0);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('at most the bound of past versions is built at once; a version held or being built is shared', async () => {
    const h = new IndexHolder(t.db, 60_000, undefined, 2);
    try {
      const [v0, v1, v2] = mine.map((m) => m.dataVersion);
      const p0 = h.at(v0);
      const p1 = h.at(v1);
      expect(h.at(v0)).toBe(p0); // the same build, not a second one
      await expect(h.at(v2)).rejects.toMatchObject({ code: 'RATE_LIMITED', field: 'id' });
      const [i0, i1] = await Promise.all([p0, p1]);
      expect([i0.version, i1.version]).toEqual([v0, v1]);
      // once the builds are done, another version is built
      expect((await h.at(v2)).version).toBe(v2);
    } finally {
      h.stop();
    }
  });
});
