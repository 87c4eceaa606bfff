// Enrichment follows the reference data: a territory or site change recomputes the stored
// enrichment of the reports it affects (reenrich), from when the change takes effect; and the
// app does it by itself after such a change.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { seedDemo } from '../demo/syria2016.ts';
import { seedDemoMap } from '../demo/syria2016-map.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { allSites, getSite } from '../sites/lookup.ts';
import { notifySite, rejectSite, withdrawSite } from '../sites/service.ts';
import { recordFromPcodes } from '../territory/service.ts';
import { geoSettings } from '../territory/settings.ts';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { changedSince, enricherFor, reenrich, Reference } from './enrich.ts';
import { prepare } from '../geo/shapes.ts';
import { fileReports, prepareAll, type Reporter } from './intake.ts';
import type { ReportCreate } from './report-schemas.ts';
import { getReport } from './reports.store.ts';

const config = loadConfig({});
const DOUMA: [number, number] = [36.405, 33.571];
const reporter: Reporter = { accountId: randomUUID(), role: 'monitor', partyId: null, organisation: null };
const settings = { distanceM: 5000, gapMs: 6 * 3_600_000 };

/** Files reports through the service (no app: nothing here reacts to commits but what the test calls). */
async function file(db: Db, inputs: ReportCreate[]) {
  const outcomes = await prepareAll(db, inputs, enricherFor(db, config), reporter);
  const filed = await write(db, { ...reporter, role: 'monitor' }, (w) => fileReports(w, outcomes, settings));
  return filed.map((f) => {
    if (!f.ok) throw new Error(JSON.stringify(f.rejection));
    return f.row;
  });
}
const at = (iso: string, where: [number, number] = DOUMA): ReportCreate => ({ channel: 'api', occurredAt: iso, location: { type: 'Point', coordinates: where }, eventType: 'shelling' });

describe('reenrich (the function, on its own)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    await seedDemo(t.db);
    await seedDemoMap(t.db, config);
  });
  afterAll(() => t?.drop());

  it('recomputes the territory of reports at or after a new version’s start, and no other', async () => {
    const [early, late] = await file(t.db, [at('2016-03-01T10:00:00Z'), at('2016-03-05T10:00:00Z')]);
    expect(late.enrichment.territory).toEqual({ partyId: demoId('jai'), status: 'committed' });
    const before = await Reference.load(t.db);
    // the government's area now takes in Duma, from 3 March
    await write(t.db, SYSTEM, (w) => recordFromPcodes(w, { partyId: demoId('saaf'), pcodes: ['SY030200'], validFrom: '2016-03-03T00:00:00Z', source: 'test' }, geoSettings(config)));
    const after = await Reference.load(t.db);
    expect(changedSince(before, after)).toBe(Date.parse('2016-03-03T00:00:00Z'));
    // nothing recomputed yet: what is stored is as it was filed
    expect((await getReport(t.db, late.id))!.enrichment.territory.partyId).toBe(demoId('jai'));

    const out = await reenrich(t.db, { since: new Date('2016-03-03T00:00:00Z') });
    expect(out.changed).toBe(1);
    const now = (await getReport(t.db, late.id))!;
    expect(now.enrichment.territory).toEqual({ partyId: demoId('saaf'), status: 'committed', alsoHeldBy: [{ partyId: demoId('jai'), status: 'committed' }] });
    expect(now.enrichedAt!.getTime()).toBeGreaterThan(late.enrichedAt!.getTime());
    expect((await getReport(t.db, early.id))!.enrichment.territory.partyId).toBe(demoId('jai'));
    // a second pass finds nothing to change; a pass over everything leaves the early report as it was
    expect((await reenrich(t.db, { since: new Date('2016-03-03T00:00:00Z') })).changed).toBe(0);
    expect((await reenrich(t.db)).changed).toBe(0);
  });

  it('drops a site hit once the notification is rejected (a rejection counts from the beginning)', async () => {
    const where: [number, number] = [38.9, 35.95];
    const site = await write(t.db, { accountId: null, role: 'secretariat', partyId: null }, (w) =>
      notifySite(w, { kind: 'school', name: 'Test school', geometry: { type: 'Point', coordinates: where } } as never, geoSettings(config)),
    );
    const [r] = await file(t.db, [at(new Date(Date.now() + 1000).toISOString(), where)]);
    expect(r.enrichment.notifiedSiteHit).toMatchObject({ siteId: site.id });
    expect(r.enrichment.nearestSite).toMatchObject({ siteId: site.id, distanceM: 0 });
    const before = await Reference.load(t.db);
    await write(t.db, { accountId: null, role: 'secretariat', partyId: null }, async (w) => rejectSite(w, (await getSite(w.q, site.id))!, { reason: 'test' }));
    expect(changedSince(before, await Reference.load(t.db))).toBe(Number.NEGATIVE_INFINITY);
    expect((await reenrich(t.db)).changed).toBeGreaterThanOrEqual(1);
    const now = (await getReport(t.db, r.id))!;
    expect(now.enrichment.notifiedSiteHit).toBeNull();
    expect(now.enrichment.nearestSite).toBeNull();
  });

  it('a reference that follows another reads only the sites changed since, and answers as a whole load does', async () => {
    const secretariat = { accountId: null, role: 'secretariat', partyId: null } as const;
    const spots: [number, number][] = [[38.5, 35.5], [38.6, 35.5], [38.7, 35.5]];
    const notify = (name: string, where: [number, number]) =>
      write(t.db, secretariat, (w) => notifySite(w, { kind: 'school', name, geometry: { type: 'Point', coordinates: where }, bufferM: 200, validFrom: '2016-01-01T00:00:00Z' } as never, geoSettings(config)));
    const kept = await notify('Kept school', spots[0]);
    const withdrawn = await notify('Withdrawn school', spots[1]);
    const before = await Reference.load(t.db);
    // since then: one site withdrawn from a date, one notified and then rejected, one more notified
    await write(t.db, secretariat, async (w) => withdrawSite(w, (await getSite(w.q, withdrawn.id))!, { at: new Date(Date.now() + 60_000).toISOString(), reason: 'closed' } as never));
    const rejected = await notify('Rejected school', spots[2]);
    await write(t.db, secretariat, async (w) => rejectSite(w, (await getSite(w.q, rejected.id))!, { reason: 'not a school' }));
    const added = await notify('New school', [38.8, 35.5]);

    const sql: string[] = [];
    const seen: Queryable = { query: (s, p) => (sql.push(s), t.db.query(s, p)), exec: (s) => (sql.push(s), t.db.exec(s)) };
    const next = await Reference.load(seen, new Map(), before);
    const whole = await Reference.load(t.db);
    // only the changed sites were read: no statement over every site
    expect(sql.filter((s) => /FROM sites x/.test(s))).toHaveLength(1);
    expect(sql.find((s) => /FROM sites x/.test(s))).toMatch(/x\.id = ANY/);
    expect(next.version).toBe(whole.version);
    expect(next.facts).toEqual(whole.facts);
    expect(changedSince(before, next)).toBe(changedSince(before, whole));
    expect(changedSince(before, next)).toBe(Date.parse('2016-01-01T00:00:00Z')); // the new sites' start
    const answer = (r: Reference, where: [number, number], when: Date) => {
      const { nearest, hit } = r.sitesAt(where[0], where[1], when, 5000);
      return { nearest: nearest && { id: nearest.site.id, d: Math.round(nearest.distanceM) }, hit: hit?.id ?? null };
    };
    const later = new Date(Date.now() + 3_600_000);
    for (const where of [...spots, [38.8, 35.5] as [number, number], DOUMA]) {
      for (const when of [new Date(), later]) expect(answer(next, where, when)).toEqual(answer(whole, where, when));
    }
    expect(answer(next, spots[0], later)).toEqual({ nearest: { id: kept.id, d: 0 }, hit: kept.id });
    expect(answer(next, [38.8, 35.5], later).hit).toBe(added.id);
    expect(answer(next, spots[2], later).hit).not.toBe(rejected.id);
    expect(answer(next, spots[1], later).hit).not.toBe(withdrawn.id);
    // the whole read's pages (keyset on seq) add up to one read of every site, in order
    const pages: string[] = [];
    for (let after = -1; ; ) {
      const page = await allSites(t.db, after, 2);
      pages.push(...page.map((x) => x.id));
      if (page.length < 2) break;
      after = page[page.length - 1].seq;
    }
    const all = (await allSites(t.db)).map((x) => x.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(pages).toEqual(all);
    // and a page is found through the index on seq, not a scan and sort of every site (migration 021)
    const plan = await t.db.tx(async (q) => {
      await q.exec('SET LOCAL enable_seqscan = off');
      return (await q.query('EXPLAIN SELECT id FROM sites WHERE seq > -1 ORDER BY seq LIMIT 2')).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using sites_seq/);
    // with nothing changed, the sites are the same objects (nothing prepared again)
    const again = await Reference.load(t.db, new Map(), next);
    expect(again.facts.sites).toBe(next.facts.sites);
  });

  it("a site's shape comes from the database's prepared cache when an index holds it, and goes there when read", async () => {
    const secretariat = { accountId: null, role: 'secretariat', partyId: null } as const;
    const where: [number, number] = [38.2, 35.2];
    const site = await write(t.db, secretariat, (w) =>
      notifySite(w, { kind: 'school', name: 'Cached school', geometry: { type: 'Point', coordinates: where }, bufferM: 200, validFrom: '2016-01-01T00:00:00Z' } as never, geoSettings(config)),
    );
    const later = new Date(Date.now() + 3_600_000);
    // read: the shape is prepared from the geometry and kept under the site's id
    const cache = new Map<string, object>();
    const read = await Reference.load(t.db, cache);
    expect(read.sitesAt(where[0], where[1], later, 5000).hit?.id).toBe(site.id);
    const kept = cache.get(site.id);
    expect(kept).toBeDefined();
    // held: the cached shape is used as it is (here one 10 km away, so the site is no longer at its point)
    const elsewhere = new Map<string, object>([[site.id, prepare({ type: 'Point', coordinates: [where[0] + 0.1, where[1]] })]]);
    const held = await Reference.load(t.db, elsewhere);
    expect(held.sitesAt(where[0], where[1], later, 5000).hit?.id).not.toBe(site.id);
    expect(held.sitesAt(where[0] + 0.1, where[1], later, 5000).hit?.id).toBe(site.id);
    // each page carries its sites' geometries, as stored (none is read again by id)
    const [first] = await allSites(t.db, -1, 1);
    expect(first.geometry).toEqual((await getSite(t.db, first.id))!.geometry);
  });
});

describe('reenrich after a change through the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    await seedDemoMap(t.db, t.config);
  });
  afterAll(() => t?.close());

  it('a territory recorded through the API recomputes the reports it covers, by itself', async () => {
    const res = await t.call('monitor', { method: 'POST', url: '/api/v1/reports', payload: at('2016-03-06T10:00:00Z') });
    expect(res.json().enrichment.territory.partyId).toBe(demoId('jai'));
    const terr = await t.call('admin', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: demoId('saaf'), validFrom: '2016-03-04T00:00:00Z', pcodes: ['SY030200'] } });
    expect(terr.statusCode, terr.body).toBe(201);
    let territory;
    for (let i = 0; i < 100; i++) {
      territory = (await t.call('monitor', { method: 'GET', url: `/api/v1/reports/${res.json().id}` })).json().enrichment.territory;
      if (territory.partyId === demoId('saaf')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(territory).toMatchObject({ partyId: demoId('saaf'), alsoHeldBy: [{ partyId: demoId('jai') }] });
  });
});
