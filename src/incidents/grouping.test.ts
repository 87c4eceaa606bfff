// Grouping on filing, against the real database: which incident each report joins, the
// incident's summary and leaves, batches, concurrent filings, and a reviewer's pins respected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { refreshIncident } from './grouping.store.ts';
import { SideIndex } from './grouping.ts';
import { matchScore, type LocationPrecision, type OccurredPrecision, occurredWindow, type Side } from './group.ts';
import { enricherFor } from './enrich.ts';
import { fileReports, prepareAll } from './intake.ts';
import type { ReportCreate } from './report-schemas.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

let spot = 0;
/** A fresh area per test, 50 km from the others (inside Syria, so the units are known). */
const area = (): [number, number] => [36.3 + 0.5 * (spot % 6), 33.6 + 0.45 * Math.floor(spot++ / 6)];
const north = ([lon, lat]: [number, number], km: number): [number, number] => [lon, lat + km / 111.2];
const report = (at: [number, number], o: Record<string, unknown> = {}) => ({ channel: 'api', occurredAt: '2016-03-01T10:00:00Z', location: { type: 'Point', coordinates: at }, eventType: 'shelling', ...o });
const file = async (payload: object, role: 'secretariat' | 'monitor' = 'secretariat') => {
  const res = await t.call(role, { method: 'POST', url: '/api/v1/reports', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; incidentId: string; enrichment: { pcodes: { adm3: { code: string } | null } } };
};
const batch = async (reports: object[]) => {
  const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/reports/batch', payload: { reports } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().results as { status: string; id: string; incidentId: string }[]).map((r) => ({ id: r.id, incidentId: r.incidentId }));
};
const incident = async (id: string) => (await t.db.query('SELECT *, ST_X(location) AS lon, ST_Y(location) AS lat FROM incidents WHERE id = $1', [id]))[0];
const leaves = async (id: string) => (await t.db.query("SELECT action FROM ledger_leaves WHERE entity_type = 'incident' AND entity_id = $1 ORDER BY seq", [id])).map((r) => r.action);

describe('grouping at filing', () => {
  it('joins a report of the same event: compatible type, 1 km and 2 h away; the summary is recomputed and a leaf recorded', async () => {
    const p = area();
    const a = await file(report(p, { casualties: { killed: { best: 2 } }, perpetratorPartyIds: [demoId('saaf')] }));
    const b = await file(report(north(p, 1), { eventType: 'airstrike', occurredAt: '2016-03-01T12:00:00Z', casualties: { killed: { best: 5, high: 8 } }, perpetratorPartyIds: [demoId('vks')] }));
    expect(b.incidentId).toBe(a.incidentId);
    const i = await incident(a.incidentId);
    expect(i).toMatchObject({ status: 'reported', event_type: 'shelling', report_count: 2, location_precision: 'exact' });
    expect([i.occurred_from.toISOString(), i.occurred_to.toISOString()]).toEqual(['2016-03-01T10:00:00.000Z', '2016-03-01T12:00:00.000Z']);
    expect([...i.perpetrator_party_ids].sort()).toEqual([demoId('saaf'), demoId('vks')].sort());
    expect(i.casualties).toEqual({ killed: { best: 5, low: null, high: 8, civilians: null } });
    expect([Number(i.lon), Number(i.lat)]).toEqual(p); // the first of equally precise reports
    expect(await leaves(a.incidentId)).toEqual(['incident.created', 'incident.updated']);
  });

  it.each([
    ['6 km away', (p: [number, number]) => report(north(p, 6)), false],
    ['4 km away', (p: [number, number]) => report(north(p, 4)), true],
    ['7 h later', (p: [number, number]) => report(p, { occurredAt: '2016-03-01T17:00:00Z' }), false],
    ['5 h earlier', (p: [number, number]) => report(p, { occurredAt: '2016-03-01T05:00:00Z' }), true],
    ['of an incompatible type', (p: [number, number]) => report(p, { eventType: 'ground_attack' }), false],
    ['of a compatible type (an attack on civilians)', (p: [number, number]) => report(p, { eventType: 'attack_on_civilians' }), true],
    ['dated only to the next day', (p: [number, number]) => report(p, { occurredAt: '2016-03-02', occurredPrecision: 'day' }), false],
    ['dated only to that day', (p: [number, number]) => report(p, { occurredAt: '2016-03-01', occurredPrecision: 'day' }), true],
    ['dated only to that month', (p: [number, number]) => report(p, { occurredAt: '2016-03-20', occurredPrecision: 'month' }), true],
  ])('a report %s: joins = %s', async (_n, make, joins) => {
    const p = area();
    const a = await file(report(p));
    const b = await file(make(p));
    expect(b.incidentId === a.incidentId).toBe(joins);
  });

  it('a report only as precise as its sub-district joins an incident in that sub-district, however far its point', async () => {
    // on a day of its own: a unit can be large (Tadmor's spans the desert), and other tests' incidents in it would match as well
    const p = area();
    const day = { occurredAt: '2016-04-10T10:00:00Z' };
    const a = await file(report(p, day));
    const far = north(p, 12);
    const other = await file(report(far, { occurredAt: '2016-04-12T10:00:00Z' })); // where the far point lies, on another day
    const sameUnit = a.enrichment.pcodes.adm3!.code === other.enrichment.pcodes.adm3?.code;
    const b = await file(report(far, { ...day, locationPrecision: 'adm3' }));
    expect(b.incidentId === a.incidentId).toBe(sameUnit);
    const d = await file(report(far, { ...day, locationPrecision: 'adm1' }));
    expect(d.incidentId).toBe(a.incidentId); // the same governorate, certainly
  });

  it('groups the rows of one batch with each other and with incidents filed before', async () => {
    const p = area();
    const q = area();
    const before = await file(report(p));
    const rows = await batch([report(north(p, 1)), report(q), report(north(q, 2), { occurredAt: '2016-03-01T09:00:00Z' }), report(north(q, 30))]);
    expect(rows[0].incidentId).toBe(before.incidentId);
    expect(rows[2].incidentId).toBe(rows[1].incidentId);
    expect(new Set(rows.map((r) => r.incidentId)).size).toBe(3);
    expect(await leaves(before.incidentId)).toEqual(['incident.created', 'incident.updated']);
    expect(await leaves(rows[1].incidentId)).toEqual(['incident.created']); // one leaf per incident per batch, its final state
    expect((await incident(rows[1].incidentId)).report_count).toBe(2);
  });

  it('two batches of the same event filed at once make one incident', async () => {
    const p = area();
    const [x, y] = await Promise.all([batch([report(p)]), batch([report(north(p, 0.5))])]);
    expect(x[0].incidentId).toBe(y[0].incidentId);
    expect((await incident(x[0].incidentId)).report_count).toBe(2);
  });

  it('never joins an incident merged away, and never moves a report a reviewer placed', async () => {
    const p = area();
    const a = await file(report(p));
    const b = await file(report(north(p, 0.2)));
    expect(b.incidentId).toBe(a.incidentId);
    // a reviewer splits b off into an incident of its own (as the desk does: pinned), and merges nothing
    const split = await write(t.db, SYSTEM, async (w) => {
      const [row] = await w.q.query(
        `INSERT INTO incidents (event_type, occurred_from, occurred_to, report_count) VALUES ('shelling', '2016-03-01T10:00:00Z', '2016-03-01T10:00:00Z', 0) RETURNING id`,
      );
      await w.q.query('UPDATE incident_reports SET incident_id = $1, pinned = true WHERE report_id = $2', [row.id, b.id]);
      for (const id of [a.incidentId, row.id]) w.record('incident.updated', 'incident', (await refreshIncident(w.q, id))!);
      return row.id as string;
    });
    expect((await incident(split)).report_count).toBe(1);
    expect((await incident(a.incidentId)).report_count).toBe(1);
    const placedBefore = await t.db.query('SELECT report_id, incident_id, pinned FROM incident_reports WHERE report_id = ANY($1::uuid[]) ORDER BY report_id', [[a.id, b.id]]);
    const c = await file(report(north(p, 0.1)));
    expect([a.incidentId, split]).toContain(c.incidentId);
    const placedAfter = await t.db.query('SELECT report_id, incident_id, pinned FROM incident_reports WHERE report_id = ANY($1::uuid[]) ORDER BY report_id', [[a.id, b.id]]);
    expect(placedAfter).toEqual(placedBefore);

    // merged away (as the desk records it: a leaf per incident): no longer a candidate
    await write(t.db, SYSTEM, async (w) => {
      for (const [id, into] of [[split, a.incidentId], [a.incidentId, split]]) {
        const [row] = await w.q.query("UPDATE incidents SET status = 'merged', merged_into = $2 WHERE id = $1 RETURNING *", [id, into]);
        w.record('incident.updated', 'incident', row);
      }
    });
    const d = await file(report(north(p, 0.1)));
    expect([a.incidentId, split]).not.toContain(d.incidentId);
  });

  it('refreshIncident recomputes a summary from the reports placed now', async () => {
    const p = area();
    const a = await file(report(p, { casualties: { injured: { best: 4 } } }));
    await file(report(north(p, 1), { casualties: { injured: { best: 9 } }, occurredAt: '2016-03-01T13:00:00Z' }));
    await t.db.query("UPDATE incidents SET report_count = 99, casualties = '{}' WHERE id = $1", [a.incidentId]);
    const row = await write(t.db, SYSTEM, async (w) => {
      const r = await refreshIncident(w.q, a.incidentId);
      w.record('incident.updated', 'incident', r!);
      return r!;
    });
    expect(row).toMatchObject({ report_count: 2, casualties: { injured: { best: 9, low: null, high: null, civilians: null } } });
    expect(await write(t.db, SYSTEM, (w) => refreshIncident(w.q, '00000000-0000-4000-8000-000000000000'), { allowEmpty: true })).toBeNull();
  });
});

describe('the in-memory candidates', () => {
  const settings = { distanceM: 5000, gapMs: 6 * 3_600_000 };
  /** Files through the service with a cache of its own: `key` stands for one server instance. */
  async function fileAs(key: object | null, body: object) {
    const reporter = { accountId: '00000000-0000-4000-8000-0000000000aa', role: 'secretariat', partyId: null, organisation: null };
    const outcomes = await prepareAll(t.db, [body as ReportCreate], enricherFor(t.db, t.config), reporter);
    const [f] = await write(t.db, { ...reporter }, (w) => fileReports(w, outcomes, settings, key ? { cache: key } : {}));
    if (!f.ok) throw new Error(JSON.stringify(f.rejection));
    return f.row;
  }

  it('an instance sees incidents another one made or changed since it last looked (through the ledger)', async () => {
    const [a, b] = [{}, {}]; // two instances' caches
    const p = area();
    const first = await fileAs(a, report(p, { occurredAt: '2016-04-20T10:00:00Z' }));
    await fileAs(b, report(north(p, 30), { occurredAt: '2016-04-20T10:00:00Z' })); // b looks once before a's next write
    const second = await fileAs(b, report(north(p, 1), { occurredAt: '2016-04-20T11:00:00Z' }));
    expect(second.incidentId).toBe(first.incidentId);
    // b moved the incident's window on; a sees it: a report 6.5 h after the first and 5.5 h after the second joins
    const third = await fileAs(a, report(north(p, 2), { occurredAt: '2016-04-20T16:30:00Z' }));
    expect(third.incidentId).toBe(first.incidentId);
    // the same answers as SQL alone gives
    const sql = await fileAs(null, report(north(p, 2.5), { occurredAt: '2016-04-20T16:40:00Z' }));
    expect(sql.incidentId).toBe(first.incidentId);
  });

  it('a report older than what memory holds is matched in SQL', async () => {
    const key = {};
    const p = area();
    const old = await fileAs(key, report(p, { occurredAt: '2016-03-10T10:00:00Z' }));
    await fileAs(key, report(area(), { occurredAt: new Date(Date.now() - 86_400_000).toISOString() })); // the latest incident: years later
    await fileAs(key, report(area(), { occurredAt: new Date(Date.now() - 3_600_000).toISOString() })); // memory moves on
    const late = await fileAs(key, report(north(p, 1), { occurredAt: '2016-03-10T12:00:00Z' }));
    expect(late.incidentId).toBe(old.incidentId);
  });
});

describe('SideIndex', () => {
  it('finds every incident the rule would match (10,000 random pairs against a brute-force scan)', () => {
    const settings = { distanceM: 5000, gapMs: 6 * 3_600_000 };
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const precisions: LocationPrecision[] = ['exact', 'exact', 'exact', 'near', 'adm3', 'adm2', 'adm1'];
    const times: OccurredPrecision[] = ['exact', 'exact', 'exact', 'day', 'week', 'month'];
    const side = (): Side => {
      const precision = pick(precisions);
      const w = occurredWindow(new Date(Date.parse('2016-03-01') + rnd() * 20 * 86_400_000), pick(times));
      const a3 = `SY0${Math.floor(rnd() * 3)}${Math.floor(rnd() * 3)}`;
      return {
        eventType: pick(['shelling', 'airstrike', 'ground_attack'] as const),
        from: w.from,
        to: w.to,
        location: [36 + rnd() * 0.4, 33.5 + rnd() * 0.4],
        precision,
        pcodes: { adm1: 'SY03', adm2: precision === 'adm1' ? null : a3.slice(0, 5), adm3: precision === 'adm1' || precision === 'adm2' ? null : a3 },
      };
    };
    const index = new SideIndex<Side & { id: string; order: number }>(settings);
    const all = Array.from({ length: 400 }, (_, i) => index.add({ ...side(), id: String(i), order: i }));
    let matched = 0;
    for (let k = 0; k < 25; k++) {
      const r = side();
      const near = new Set(index.near(r));
      for (const e of all) {
        if (matchScore(r, e, settings) === null) continue;
        matched++;
        expect(near.has(e), JSON.stringify({ r, e })).toBe(true);
      }
    }
    expect(matched).toBeGreaterThan(20);
  });
});
