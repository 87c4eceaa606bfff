// The seeded million-incident generator (bench/support/incidents-million.ts): the same data every
// run, spread over Syria in plausible shares, and stored by the bulk insert with what every role's
// view needs (published incidents, a liaison's named and asked-about ones).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, END, START, frontLineKm, generateBlock, seedIncidents } from '../bench/support/incidents-million.ts';
import { listVisibility, viewerOf } from '../src/incidents/service.ts';
import { aggregateIncidents } from '../src/incidents/store.ts';
import { demoId, testApp, type TestApp } from './support/app.ts';

describe('the seeded generator', () => {
  it('draws the same incidents for the same block and seed, others for another seed', () => {
    const a = generateBlock(3, 500);
    const b = generateBlock(3, 500);
    expect(b).toEqual(a);
    expect(generateBlock(3, 500, 7).id).not.toEqual(a.id);
    expect(generateBlock(4, 500).id).not.toEqual(a.id);
    // a block's first incidents do not depend on how many are drawn
    expect(generateBlock(3, 100).id).toEqual(a.id.slice(0, 100));
  });

  it('spreads incidents over Syria in plausible shares', () => {
    const c = generateBlock(0, BLOCK);
    const share = (xs: unknown[], f: (x: any) => boolean) => xs.filter(f).length / xs.length;
    const lons = c.lon.filter((x): x is number => x !== null);
    const lats = c.lat.filter((x): x is number => x !== null);
    expect(Math.min(...lons)).toBeGreaterThan(35.3);
    expect(Math.max(...lons)).toBeLessThan(42.6);
    expect(Math.min(...lats)).toBeGreaterThan(32.1);
    expect(Math.max(...lats)).toBeLessThan(37.5);
    // dense around towns: one in twenty of the incidents within ~10 km of central Damascus
    expect(share(lons.map((x, i) => [x, lats[i]]), ([x, y]) => Math.hypot((x - 36.28) * 0.83, y - 33.51) < 0.09)).toBeGreaterThan(0.05);
    expect(frontLineKm()).toBeGreaterThan(500);
    expect(Math.min(...c.from)).toBeGreaterThanOrEqual(START);
    expect(Math.max(...c.to)).toBeLessThan(END);
    expect(c.from.every((f, i) => f <= c.to[i])).toBe(true);
    expect(share(c.to.map((t, i) => t - c.from[i]), (d) => d === 0)).toBeGreaterThan(0.4); // instants
    expect(share(c.to.map((t, i) => t - c.from[i]), (d) => d > 86_400_000)).toBeGreaterThan(0.1); // weeks, months
    expect(share(c.publishedAt, (p) => p !== null)).toBeGreaterThan(0.25);
    expect(share(c.publishedAt, (p) => p !== null)).toBeLessThan(0.5);
    expect(share(c.status, (s) => s === 'merged')).toBeGreaterThan(0.005);
    expect(c.status.every((s, i) => (['verified', 'unverified', 'disputed', 'discounted'].includes(s) ? c.grade[i] !== null : c.grade[i] === null))).toBe(true);
    expect(new Set(c.eventType).size).toBeGreaterThanOrEqual(9);
    expect(c.requestIncident.length).toBeGreaterThan(100);
    expect(share(c.lon, (x) => x === null)).toBeLessThan(0.05);
  });
});

describe('seeded into the database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    await seedIncidents(t.db, 5_000);
  });
  afterAll(() => t?.close());

  it('stores every incident, with units, parties and casualties, and something for every role to see', async () => {
    const [r] = await t.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE pcodes->'adm1'->>'code' LIKE 'SY%')::int AS adm1,
         count(*) FILTER (WHERE cardinality(perpetrator_party_ids) > 0)::int AS perp, count(*) FILTER (WHERE casualties ? 'killed')::int AS killed,
         count(merged_into)::int AS merged FROM incidents`,
    );
    expect(r).toMatchObject({ n: 5_000, adm1: 5_000, perp: 5_000 });
    expect(r.killed).toBeGreaterThan(2_000);
    expect(r.merged).toBeGreaterThan(10);
    const liaison = listVisibility(await viewerOf(t.db, { role: 'liaison', accountId: null, partyId: demoId('saaf') } as never));
    const pub = listVisibility(await viewerOf(t.db, { role: 'public', accountId: null, partyId: null } as never));
    const desk = listVisibility(await viewerOf(t.db, { role: 'secretariat', accountId: null, partyId: null } as never));
    const count = async (v: typeof desk) => (await aggregateIncidents(t.db, v, {}, 'type')).total;
    const [d, l, p] = [await count(desk), await count(liaison), await count(pub)];
    expect(d).toBeGreaterThan(l);
    expect(l).toBeGreaterThan(p);
    expect(p).toBeGreaterThan(500);
    // a liaison sees some unpublished incidents that do not name its party: those it was asked about
    const [asked] = await t.db.query(
      `SELECT count(DISTINCT coalesce(i.merged_into, i.id))::int AS n FROM info_requests r JOIN incidents i ON i.id = r.incident_id
       WHERE r.addressed_to_party_id = $1 AND NOT (i.perpetrator_party_ids @> ARRAY[$1]::uuid[] OR i.target_party_ids @> ARRAY[$1]::uuid[])`,
      [demoId('saaf')],
    );
    expect(asked.n).toBeGreaterThan(0);
  });
});
