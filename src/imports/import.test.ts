// POST /api/v1/imports on the real app and database: the fixture files imported as reports,
// enriched and grouped; a rerun imports nothing twice; unmatched actors listed, never made
// parties; rows with bad values listed by line; hostile bodies refused cheaply, storing nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const fixture = (f: string) => fs.readFileSync(path.join(FIXTURES, f));

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // ACLED's and UCDP's names of the Syrian forces, as a secretariat would record them
  const res = await t.call('secretariat', {
    method: 'PATCH',
    url: `/api/v1/parties/${demoId('saaf')}`,
    payload: { aliases: ['Syrian Arab Army', 'SAA', 'Military Forces of Syria', 'Government of Syria'] },
  });
  expect(res.statusCode, res.body).toBe(200);
}, 120_000);
afterAll(() => t?.close());

const post = (source: string, body: string | Buffer, role: 'admin' | 'secretariat' | 'cochair' = 'secretariat', type = 'text/csv') =>
  t.call(role, { method: 'POST', url: `/api/v1/imports?source=${source}`, headers: { 'content-type': type }, payload: body });

const reportsOf = (prefix: string) =>
  t.db.query(
    `SELECT r.source_ref, r.channel, r.event_type, r.perpetrator_party_ids::text[] AS perps, r.target_party_ids::text[] AS targets, r.casualties, r.reporter_role, r.enrichment, ir.incident_id
     FROM reports r LEFT JOIN incident_reports ir ON ir.report_id = r.id WHERE r.source_ref LIKE $1 ORDER BY r.source_ref`,
    [`${prefix}%`],
  );

describe('POST /api/v1/imports', () => {
  let first: any;
  it('imports an ACLED export: reports of channel import, actors matched through aliases, bad rows by line', async () => {
    const parties = (await t.db.query('SELECT count(*)::int AS n FROM parties'))[0].n;
    const res = await post('acled', fixture('acled-current.csv'));
    expect(res.statusCode, res.body).toBe(200);
    first = res.json();
    expect(first).toMatchObject({ source: 'acled', layout: 'ACLED current layout (31 columns)', read: 11, imported: 5, duplicate: 1, rejected: 5, rejectedOmitted: 0, unmatchedOmitted: 0 });
    expect(first.rejectedRows).toEqual([
      { line: 6, reason: 'event_date "2016-02-30" is not a date (2016-02-27 or 27 February 2016)' },
      { line: 7, reason: 'sub_event_type "Carpet bombing" is not one of the sub-event types of Explosions/Remote violence' },
      { line: 8, reason: 'latitude "33,57" is not a number' },
      { line: 10, reason: expect.stringMatching(/^event_date: occurredAt \(2016-02-20T00:00:00.000Z\) is before the terms existed/) },
      { line: 12, reason: 'has 30 cells; the header has 31 columns' },
    ]);
    expect(first.unmatchedActors).toEqual([
      { name: 'Jaysh al Islam', rows: 1 },
      { name: 'Military Forces of Russia (1991-)', rows: 1 },
      { name: "YPG: People's Protection Units", rows: 1 },
    ]);
    // no party was made of an actor
    expect((await t.db.query('SELECT count(*)::int AS n FROM parties'))[0].n).toBe(parties);

    const rows = await reportsOf('acled:');
    expect(rows.map((r) => r.source_ref)).toEqual(['acled:SYR1001', 'acled:SYR1002', 'acled:SYR1003', 'acled:SYR1008', 'acled:SYR1010']);
    const by = Object.fromEntries(rows.map((r) => [r.source_ref, r]));
    expect(rows.every((r) => r.channel === 'import' && r.reporter_role === 'secretariat' && r.incident_id)).toBe(true);
    expect(by['acled:SYR1001']).toMatchObject({ event_type: 'shelling', perps: [demoId('saaf')], targets: [], casualties: { killed: { best: 2 } } });
    expect(by['acled:SYR1003']).toMatchObject({ event_type: 'attack_on_civilians', perps: [demoId('isil')] });
    expect(by['acled:SYR1010']).toMatchObject({ event_type: 'ground_attack', perps: [demoId('sdf')], targets: [demoId('isil')] });
    // enriched like any report: Douma's sub-district from the gazetteer's units
    expect(by['acled:SYR1001'].enrichment.pcodes.adm1).not.toBeNull();
    // the shelling and the air strike on Douma the same day are one incident
    expect(by['acled:SYR1001'].incident_id).toBe(by['acled:SYR1002'].incident_id);
    expect(first.incidents).toBe(new Set(rows.map((r) => r.incident_id)).size);
    expect(first.incidents).toBe(4);
  });

  it('a rerun of the same file imports nothing twice', async () => {
    const before = await snapshot(t.db);
    const res = await post('acled', fixture('acled-current.csv'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ read: 11, imported: 0, duplicate: 6, rejected: 5, incidents: 0 });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('groups a UCDP event with the ACLED report of the same event; reads the older layouts', async () => {
    const res = await post('ucdp', fixture('ucdp-current.csv'), 'cochair');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ layout: 'UCDP GED current layout (49 columns)', read: 7, imported: 3, duplicate: 0, rejected: 4 });
    expect(s.rejectedRows.map((r: any) => r.line)).toEqual([5, 6, 7, 8]);
    expect(s.rejectedRows[3].reason).toBe('best/low/high/deaths_civilians (casualties.killed.low): casualties.killed.low (3) is above the best estimate (2).');
    expect(s.unmatchedActors).toEqual([{ name: 'IS', rows: 2 }, { name: 'SDF', rows: 1 }].filter((a) => a.name !== 'SDF')); // SDF is an alias
    const [douma] = await reportsOf('ucdp:150001');
    expect(douma).toMatchObject({ event_type: 'attack_on_civilians', perps: [demoId('saaf')], casualties: { killed: { best: 3, low: 3, high: 4, civilians: 3 } } });
    const [acled] = await reportsOf('acled:SYR1001');
    expect(douma.incident_id).toBe(acled.incident_id);

    const older = await post('acled', fixture('acled-older.csv'), 'admin');
    expect(older.json()).toMatchObject({ layout: 'ACLED older layout (data_id, event_id_no_cnty) (31 columns)', read: 5, imported: 3, rejected: 2 });
    expect(older.json().rejectedRows.map((r: any) => r.line)).toEqual([5, 7]);
    const old = await post('ucdp', fixture('ucdp-older.csv'), 'admin');
    expect(old.json()).toMatchObject({ layout: 'UCDP GED older layout (42 columns)', read: 2, imported: 2, rejected: 0 });
  });

  it('lists the first rejected rows and counts the rest', async () => {
    const header = fixture('acled-current.csv').toString().split('\n')[0];
    const bad = Array.from({ length: t.config.importRejectsListed + 5 }, (_, i) => `SYRX${i},2016-13-01${',x'.repeat(29)}`);
    const res = await post('acled', [header, ...bad].join('\n'));
    expect(res.json()).toMatchObject({ read: bad.length, imported: 0, rejected: bad.length, rejectedOmitted: 5 });
    expect(res.json().rejectedRows).toHaveLength(t.config.importRejectsListed);
    expect(res.json().rejectedRows[0]).toEqual({ line: 2, reason: 'event_date "2016-13-01" is not a date (2016-02-27 or 27 February 2016)' });
  });

  const header = fixture('acled-current.csv').toString().split('\n')[0];
  const row = fixture('acled-current.csv').toString().split('\n')[1].replace('SYR1001', 'SYR9001');
  it.each([
    ['a body that is not CSV text (binary)', () => post('acled', Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00])])), 400, 'MALFORMED_CSV'],
    ['an empty body', () => post('acled', ''), 400, 'MALFORMED_CSV'],
    ['a header only', () => post('acled', `${header}\n`), 400, 'MALFORMED_CSV'],
    ['another source’s header', () => post('ucdp', `${header}\n${row}\n`), 400, 'MALFORMED_CSV'],
    ['10,000 columns', () => post('acled', `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n`), 400, 'MALFORMED_CSV'],
    ['a 1 MB cell', () => post('acled', `${header}\n${row}\n${row.replace('SYR9001', 'SYR9002').replace('National', 'x'.repeat(1 << 20))}\n`), 400, 'MALFORMED_CSV'],
    ['a body over the limit', () => post('acled', Buffer.alloc(t.config.importBodyLimit + 1, 'a')), 413, 'BODY_TOO_LARGE'],
    ['JSON', () => post('acled', JSON.stringify({ rows: [] }), 'secretariat', 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown source', () => post('gdelt', `${header}\n${row}\n`), 400, 'VALIDATION_FAILED'],
  ])('refuses %s, storing nothing (not even the good row before it)', async (_what, send, status, code) => {
    const before = await snapshot(t.db);
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, field: expect.any(String) });
    expect(res.body.length).toBeLessThan(2000);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('names the reason and the line of a CSV that cannot be read', async () => {
    const res = await post('acled', `${header}\n${row}\n"SYR9003,2016-03-01\n`);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_CSV', field: 'line 3', detail: 'A quote opened at line 3 or after is never closed.' });
    const bin = await post('acled', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    expect(bin.json().detail).toBe('The file holds a NUL byte at byte 5: it is binary, not CSV text.');
  });
});
