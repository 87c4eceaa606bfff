// The ACLED and UCDP parsers, the actor matcher and the CSV reader, as tables; and the fixture
// files (hand-written, illustrative, in the sources' real layouts) against their golden files.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ACLED_TYPES } from '../incidents/acled.ts';
import { ApiError } from '../http/errors.ts';
import { ACLED_PRE_2019, ACLED_TO_REPORT, acledEventType, acledLayout, acledNotParty, acledRow } from './acled.ts';
import { ActorMatcher, importBody, Unmatched } from './actors.ts';
import { Cells, parseDay, type Layout, type RowResult } from './cells.ts';
import { readCsv, type ReadLimits } from './read.ts';
import { FORMATS } from './service.ts';
import { ucdpLayout, ucdpRow, ucdpWindow } from './ucdp.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const LIMITS: ReadLimits = { maxBytes: null, maxColumns: 256, maxRecordBytes: 64 * 1024 };
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

async function records(input: string | Buffer | Buffer[], limits: Partial<ReadLimits> = {}) {
  const out: { line: number; cells: string[] }[] = [];
  const chunks = Array.isArray(input) ? input : [input];
  for await (const r of readCsv(Readable.from(chunks), { ...LIMITS, ...limits })) out.push(r);
  return out;
}
async function refusal(input: string | Buffer | Buffer[], limits: Partial<ReadLimits> = {}) {
  try {
    await records(input, limits);
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, detail: e.detail, field: e.field };
    throw e;
  }
  throw new Error('not refused');
}

describe('dates', () => {
  it.each([
    ['2016-02-27', day('2016-02-27')],
    ['2016-02-29', day('2016-02-29')],
    ['2016-02-28 00:00:00.000', day('2016-02-28')],
    ['2016-02-28T00:00:00Z', day('2016-02-28')],
    ['27 February 2016', day('2016-02-27')],
    ['1 March 2016', day('2016-03-01')],
    ['5 Mar 2016', day('2016-03-05')],
    ['27-February-2016', day('2016-02-27')],
    ['2015-02-29', null],
    ['2016-02-30', null],
    ['31 February 2016', null],
    ['27 Febuary 2016', null],
    ['27/02/2016', null],
    ['2016-2-27', null],
    ['', null],
  ])('%j', (s, want) => expect(parseDay(s)).toBe(want));
});

describe('ACLED event types', () => {
  it('maps every one of the 25 sub-event types of the 6 event types, and nothing else', () => {
    expect(Object.keys(ACLED_TO_REPORT).sort()).toEqual(Object.keys(ACLED_TYPES).sort());
    for (const [t, subs] of Object.entries(ACLED_TYPES)) expect(Object.keys(ACLED_TO_REPORT[t as keyof typeof ACLED_TYPES]).sort()).toEqual([...subs].sort());
    expect(Object.values(ACLED_TO_REPORT).flatMap((s) => Object.keys(s))).toHaveLength(25);
  });
  it.each([
    ['Explosions/Remote violence', 'Air/drone strike', 'airstrike'],
    ['Explosions/Remote violence', 'Shelling/artillery/missile attack', 'shelling'],
    ['explosions/remote violence', 'shelling/artillery/missile attack', 'shelling'],
    ['Explosions/Remote violence', 'Remote explosive/landmine/IED', 'other'],
    ['Explosions/Remote violence', 'Grenade', 'ground_attack'],
    ['Battles', 'Armed clash', 'ground_attack'],
    ['Battles', 'Government regains territory', 'ground_attack'],
    ['Violence against civilians', 'Abduction/forced disappearance', 'attack_on_civilians'],
    ['Strategic developments', 'Headquarters or base established', 'position_enhancement'],
    ['Strategic developments', 'Non-violent transfer of territory', 'position_enhancement'],
    ['Strategic developments', 'Looting/property destruction', 'other'],
    ['Protests', 'Peaceful protest', 'other'],
    ['Riots', 'Mob violence', 'other'],
    ['Battles', null, 'ground_attack'],
    ['Violence against civilians', null, 'attack_on_civilians'],
    ['Battle-No change of territory', null, 'ground_attack'],
    ['Remote violence', null, 'other'],
  ])('%s / %s → %s', (t, s, want) => expect(acledEventType(t, s)).toEqual({ type: want }));
  it('pre-2019 types are the pre-2019 table', () => expect(Object.keys(ACLED_PRE_2019)).toHaveLength(9));
  it.each([
    ['Explosions/Remote violence', 'Carpet bombing', 'sub_event_type "Carpet bombing" is not one of the sub-event types of Explosions/Remote violence'],
    ['Battles', 'Air/drone strike', 'sub_event_type "Air/drone strike" is not one of the sub-event types of Battles'],
    ['Skirmish', null, 'event_type "Skirmish" is not one of ACLED\'s event types'],
    ['Battle-No change of territory', 'Armed clash', 'event_type "Battle-No change of territory" is not one of ACLED\'s event types'],
  ])('%s / %s refused', (t, s, reason) => expect(acledEventType(t, s)).toEqual({ reason }));
  it.each([
    ['Civilians (Syria)', null, true],
    ['Protesters (Syria)', null, true],
    ['Rioters (Syria)', null, true],
    ['Hezbollah', '3', false],
    ['Some militia', '7', true],
    ['Some group', 'Civilians', true],
    ['Military Forces of Syria (2000-)', 'State forces', false],
  ])('%s (inter %s) is not a party: %s', (name, inter, want) => expect(acledNotParty(name, inter)).toBe(want));
});

const CURRENT = 'event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp'.split(',');

describe('ACLED headers', () => {
  it('reads the current layout and the older one by name, in any order', () => {
    expect((acledLayout(CURRENT) as Layout).variant).toBe('ACLED current layout (31 columns)');
    const older = ['data_id', 'iso', 'event_id_cnty', 'event_id_no_cnty', 'event_date', 'event_type', 'sub_event_type', 'latitude', 'longitude'];
    expect((acledLayout(older) as Layout).variant).toBe('ACLED older layout (data_id, event_id_no_cnty) (9 columns)');
    const shuffled = [...CURRENT].reverse().map((c) => ` ${c.toUpperCase()} `);
    const l = acledLayout(shuffled) as Layout;
    expect(l.columns.get('event_id_cnty')).toBe(30);
    expect(acledLayout(['event_id_cnty', 'event_date', 'event_type', 'latitude', 'longitude'])).toMatchObject({ variant: 'ACLED current layout, no sub-event types (5 columns)' });
  });
  it.each([
    [CURRENT.filter((c) => c !== 'event_date'), 'the header has no column event_date (an ACLED export has event_id_cnty, event_date, event_type, latitude, longitude, found by name)'],
    [[...CURRENT, 'notes'], 'the header names the column "notes" twice (columns 28 and 32)'],
    [['event_id_cnty', '', 'x'], 'column 2 of the header has no name'],
    [['id', 'side_a', 'side_b', 'date_start', 'date_end', 'best'], 'this is a UCDP GED file (it has side_a and date_start): import it as ucdp'],
  ])('refuses %j', (header, why) => expect(acledLayout(header)).toBe(why));
});

const acledCells = (over: Record<string, string>) => {
  const v: Record<string, string> = {
    event_id_cnty: 'SYR1', event_date: '2016-03-01', time_precision: '1', event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Hezbollah', inter1: '3',
    actor2: 'Civilians (Syria)', inter2: '7', location: 'Haritan', latitude: '36.2633', longitude: '37.0833', geo_precision: '1', source: 'SANA', notes: 'n', fatalities: '2', ...over,
  };
  return CURRENT.map((c) => v[c] ?? '');
};
const acledL = acledLayout(CURRENT) as Layout;

describe('ACLED rows', () => {
  it('reads a row into a report row', () => {
    expect(acledRow(acledL, acledCells({}))).toEqual({
      ok: true,
      row: {
        sourceRef: 'acled:SYR1', occurredAt: '2016-03-01T00:00:00.000Z', occurredPrecision: 'day', lon: 37.0833, lat: 36.2633, locationPrecision: 'exact', placeName: 'Haritan',
        eventType: 'ground_attack', perpetrators: ['Hezbollah'], targets: [], casualties: { killed: { best: 2 } }, sources: [{ description: 'SANA' }], text: 'n',
      },
    });
  });
  it.each([
    [{ time_precision: '2' }, { occurredPrecision: 'week' }],
    [{ time_precision: '3', geo_precision: '3' }, { occurredPrecision: 'month', locationPrecision: 'adm1' }],
    [{ geo_precision: '2' }, { locationPrecision: 'near' }],
    [{ geo_precision: 'NA', time_precision: '' }, { locationPrecision: 'near', occurredPrecision: 'day' }],
    [{ fatalities: 'NA', notes: 'NA', source: '', location: 'NA' }, { casualties: {}, text: null, sources: [], placeName: null }],
    [{ event_date: '27 February 2016' }, { occurredAt: '2016-02-27T00:00:00.000Z' }],
    [{ assoc_actor_1: 'NDF; Hezbollah;  ; NA', actor2: 'Jabhat al-Nusra', inter2: '2', assoc_actor_2: 'Civilians (Syria); Ahrar al-Sham' }, { perpetrators: ['Hezbollah', 'NDF'], targets: ['Jabhat al-Nusra', 'Ahrar al-Sham'] }],
    [{ actor1: 'Protesters (Syria)', inter1: '6' }, { perpetrators: [] }],
    [{ latitude: ' 36.5 ', longitude: '-0.5' }, { lat: 36.5, lon: -0.5 }],
    [{ notes: 'x'.repeat(25_000) }, { text: `${'x'.repeat(19_999)}…` }],
  ])('%j', (over, want) => {
    const r = acledRow(acledL, acledCells(over));
    expect(r.ok && r.row).toMatchObject(want);
  });
  it.each([
    [{ event_id_cnty: 'NA' }, 'event_id_cnty is empty'],
    [{ event_date: '' }, 'event_date is empty'],
    [{ event_date: '2016-02-30' }, 'event_date "2016-02-30" is not a date (2016-02-27 or 27 February 2016)'],
    [{ time_precision: '4' }, 'time_precision "4" is not one of 1, 2, 3'],
    [{ geo_precision: 'x' }, 'geo_precision "x" is not one of 1, 2, 3'],
    [{ latitude: '33,57' }, 'latitude "33,57" is not a number'],
    [{ latitude: '95' }, 'latitude 95 is above 90'],
    [{ longitude: 'NA' }, 'longitude is empty'],
    [{ fatalities: '-1' }, 'fatalities -1 is below 0'],
    [{ fatalities: '2.5' }, 'fatalities "2.5" is not a whole number'],
    [{ sub_event_type: 'Carpet bombing' }, 'sub_event_type "Carpet bombing" is not one of the sub-event types of Battles'],
    [{ event_type: '' }, 'event_type is empty'],
    [{ event_id_cnty: 'S'.repeat(191) }, `event_id_cnty "${'S'.repeat(60)}…" is longer than 190 characters`],
  ])('refuses %j', (over, reason) => expect(acledRow(acledL, acledCells(over))).toEqual({ ok: false, reason }));
});

const UCDP = 'id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob'.split(',');
const ucdpL = ucdpLayout(UCDP) as Layout;
const ucdpCells = (over: Record<string, string>) => {
  const v: Record<string, string> = {
    id: '9', type_of_violence: '1', side_a: 'Government of Syria', side_b: 'IS', dyad_name: 'Government of Syria - IS', where_prec: '1', where_coordinates: 'Tadmur town',
    latitude: '34.56', longitude: '38.28', date_start: '2016-03-01', date_end: '2016-03-01', best: '4', low: '3', high: '6', deaths_civilians: '1', source_office: 'AFP', ...over,
  };
  return UCDP.map((c) => v[c] ?? '');
};

describe('UCDP GED', () => {
  it('reads the current 49 columns and the older order by name; refuses a file without a header', () => {
    expect(UCDP).toHaveLength(49);
    expect(ucdpL.variant).toBe('UCDP GED current layout (49 columns)');
    const older = UCDP.filter((c) => !['relid', 'code_status', 'number_of_sources'].includes(c) && !c.endsWith('_dset_id')).reverse();
    expect(older).toHaveLength(42);
    expect((ucdpLayout(older) as Layout).variant).toBe('UCDP GED older layout (42 columns)');
    expect(ucdpLayout(['244657', 'SYR-2016-1', '2016'])).toMatch(/^the first row holds values \(it starts "244657"\), not column names/);
    expect(ucdpLayout(CURRENT)).toBe('this is an ACLED export (it has event_id_cnty): import it as acled');
    expect(ucdpLayout(UCDP.filter((c) => c !== 'date_end'))).toMatch(/^the header has no column date_end/);
  });
  it.each([
    ['2016-03-01', '2016-03-01', 'day'],
    ['2016-02-29', '2016-03-06', 'week'], // Monday to Sunday
    ['2016-03-06', '2016-03-07', 'month'], // Sunday to Monday: two ISO weeks
    ['2016-03-01', '2016-03-31', 'month'],
    ['2016-03-31', '2016-04-01', 'week'], // Thursday to Friday
    ['2016-03-27', '2016-04-01', null], // Sunday to Friday: two weeks, two months
  ])('%s to %s: %s', (a, b, want) => expect(ucdpWindow(day(a), day(b))).toBe(want));
  it('reads a row into a report row', () => {
    expect(ucdpRow(ucdpL, ucdpCells({}))).toEqual({
      ok: true,
      row: {
        sourceRef: 'ucdp:9', occurredAt: '2016-03-01T00:00:00.000Z', occurredPrecision: 'day', lon: 38.28, lat: 34.56, locationPrecision: 'exact', placeName: 'Tadmur town',
        eventType: 'ground_attack', perpetrators: ['Government of Syria', 'IS'], targets: [], casualties: { killed: { best: 4, low: 3, high: 6, civilians: 1 } },
        sources: [{ description: 'AFP' }], text: 'Government of Syria - IS',
      },
    });
  });
  it.each([
    [{ type_of_violence: '3', side_b: 'Civilians' }, { eventType: 'attack_on_civilians', perpetrators: ['Government of Syria'], targets: [] }],
    [{ type_of_violence: '3', side_b: 'Jaysh al-Islam' }, { perpetrators: ['Government of Syria'], targets: ['Jaysh al-Islam'] }],
    [{ type_of_violence: '2' }, { eventType: 'ground_attack' }],
    [{ where_prec: '2' }, { locationPrecision: 'near' }],
    [{ where_prec: '3' }, { locationPrecision: 'adm2' }],
    [{ where_prec: '5' }, { locationPrecision: 'adm1' }],
    [{ date_end: '2016-03-04' }, { occurredPrecision: 'week' }],
    [{ best: '', low: '', high: '', deaths_civilians: '' }, { casualties: {} }],
    [{ low: 'NA', high: '' }, { casualties: { killed: { best: 4, civilians: 1 } } }],
    [{ source_date: '2016-03-02', source_headline: 'Clashes' }, { sources: [{ description: 'AFP (2016-03-02)' }], text: 'Government of Syria - IS — Clashes' }],
  ])('%j', (over, want) => {
    const r = ucdpRow(ucdpL, ucdpCells(over));
    expect(r.ok && r.row).toMatchObject(want);
  });
  it.each([
    [{ id: '' }, 'id is empty'],
    [{ type_of_violence: '4' }, 'type_of_violence "4" is not one of 1, 2, 3'],
    [{ where_prec: '6' }, 'where_prec 6: the event is placed only in its country, too coarse to check'],
    [{ where_prec: '7' }, 'where_prec 7: the event is placed in international waters or airspace, too coarse to check'],
    [{ date_end: '2016-02-28' }, 'date_end 2016-02-28 is before date_start 2016-03-01'],
    [{ date_start: '2016-02-15', date_end: '2016-03-01' }, 'date_start 2016-02-15 to date_end 2016-03-01 spans more than a calendar month'],
    [{ best: 'many' }, 'best "many" is not a number'],
    [{ best: '', low: '2' }, 'best is empty while low, high or deaths_civilians is given'],
  ])('refuses %j', (over, reason) => expect(ucdpRow(ucdpL, ucdpCells(over))).toEqual({ ok: false, reason }));
});

describe('cells', () => {
  it('reads NA and blanks as empty, and a column the header lacks as empty', () => {
    const l: Layout = { source: 'acled', variant: '', columns: new Map([['a', 0], ['b', 1], ['c', 2]]), width: 3 };
    const c = new Cells(l, ['NA', '  ', ' x ']);
    expect([c.get('a'), c.get('b'), c.get('c'), c.get('zzz')]).toEqual([null, null, 'x', null]);
    expect(new Cells(l, ['na', 'N/A', '']).get('a')).toBe('na'); // only R's exact NA
  });
});

const PARTIES = [
  { id: 'saa', name: 'Syrian Arab Armed Forces', aliases: ['Military Forces of Syria', 'Government of Syria'] },
  { id: 'hzb', name: 'Hezbollah', aliases: ['Hizbullah'] },
  { id: 'isil', name: 'ISIL', aliases: ['Islamic State', 'IS'] },
  { id: 'a', name: 'Free Army', aliases: ['FA'] },
  { id: 'b', name: 'Fatah Army', aliases: ['FA'] },
];

describe('actors', () => {
  const m = new ActorMatcher(PARTIES);
  it.each([
    ['Hezbollah', 'hzb'],
    ['HEZBOLLAH', 'hzb'],
    ['  Hizbullah ', 'hzb'],
    ['Ηezbollah', 'hzb'], // a Greek Eta for the H
    ['Hezbollah (Lebanon)', 'hzb'],
    ['Military Forces of Syria (2000-)', 'saa'],
    ['Military Forces of Syria (2000-) (Syria)', 'saa'],
    ['Islamic State (Syria)', 'isil'],
    ['Government of Syria', 'saa'],
    ['FA', null], // two parties share the alias: neither
    ['Hezbollah Brigades', null],
    ['Jaysh al Islam', null],
    ['(Syria)', null],
  ])('%s → %s', (name, want) => expect(m.match(name)).toBe(want));

  it('makes a report body, listing what no party matched; a perpetrator is not also a target', () => {
    const row = {
      sourceRef: 'acled:X', occurredAt: '2016-03-01T00:00:00.000Z', occurredPrecision: 'day' as const, lon: 37, lat: 36, locationPrecision: 'exact' as const, placeName: null,
      eventType: 'ground_attack' as const, perpetrators: ['Hezbollah', 'Hizbullah', 'Unknown militia'], targets: ['Islamic State (Syria)', 'Hezbollah (Lebanon)', 'Other'], casualties: {}, sources: [], text: null,
    };
    const { body, unmatched } = importBody(row, m);
    expect(body).toEqual({
      channel: 'import', occurredAt: row.occurredAt, occurredPrecision: 'day', location: { type: 'Point', coordinates: [37, 36] }, locationPrecision: 'exact', eventType: 'ground_attack',
      perpetratorPartyIds: ['hzb'], targetPartyIds: ['isil'], casualties: {}, sources: [], sourceRef: 'acled:X',
    });
    expect(unmatched).toEqual(['Unknown militia', 'Other']);
  });

  it('counts each unmatched actor once per row, most rows first, capped', () => {
    const u = new Unmatched();
    u.add(['B', 'A', 'B']);
    u.add(['A']);
    u.add(['C']);
    expect(u.list(10)).toEqual({ actors: [{ name: 'A', rows: 2 }, { name: 'B', rows: 1 }, { name: 'C', rows: 1 }], omitted: 0 });
    expect(u.list(1)).toEqual({ actors: [{ name: 'A', rows: 2 }], omitted: 2 });
  });
});

describe('the CSV reader', () => {
  it('gives each record the physical line it starts on: LF, CRLF, quoted line breaks, blank lines, a BOM', async () => {
    const text = 'a,b\n1,"x\ny"\n\n2,3\n"4","5"';
    const want = [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'x\ny'] },
      { line: 5, cells: ['2', '3'] },
      { line: 6, cells: ['4', '5'] },
    ];
    expect(await records(text)).toEqual(want);
    expect((await records(`\ufeff${text.replaceAll('\n', '\r\n')}`)).map((r) => r.line)).toEqual([1, 2, 5, 6]);
    // split anywhere, even inside a character or between CR and LF
    const bytes = Buffer.from('a,b\r\n"é\r\nè",1\r\n"ü",2\r\n');
    const pieces = [...bytes].map((b) => Buffer.from([b]));
    expect(await records(pieces)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['é\r\nè', '1'] },
      { line: 4, cells: ['ü', '2'] },
    ]);
  });
  it('gives records of another width as they are', async () => {
    expect(await records('a,b,c\n1,2\n1,2,3,4\n')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', '2'] },
      { line: 3, cells: ['1', '2', '3', '4'] },
    ]);
  });
  it.each([
    ['binary (a NUL byte)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), {}, { code: 'MALFORMED_CSV', detail: 'The file holds a NUL byte at byte 4: it is binary, not CSV text.' }],
    ['not UTF-8', Buffer.from('a,b\n\xff\xfe,1\n', 'latin1'), {}, { code: 'MALFORMED_CSV', detail: expect.stringMatching(/^The file is not UTF-8 text/) }],
    ['UTF-8 cut short at the end', Buffer.from([0x61, 0x0a, 0xc3]), {}, { code: 'MALFORMED_CSV', detail: expect.stringMatching(/^The file is not UTF-8 text/) }],
    ['empty', '', {}, { code: 'MALFORMED_CSV', detail: 'The file is empty: it has no header and no rows.' }],
    ['too large', 'a,b\n1,2\n', { maxBytes: 5 }, { code: 'BODY_TOO_LARGE', detail: 'The file is larger than 5 bytes; split it.' }],
    ['10,000 columns', `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n1\n`, {}, { code: 'MALFORMED_CSV', detail: 'The header has more than 256 columns; at most 256 are read.', field: 'line 1' }],
    ['a wide header sent a byte at a time', [...Buffer.from(`${'c,'.repeat(300)}c\n1\n`)].map((b) => Buffer.from([b])), {}, { code: 'MALFORMED_CSV', detail: 'The header has more than 256 columns; at most 256 are read.' }],
    ['a 1 MB cell', `a,b\n1,2\n3,${'x'.repeat(1 << 20)}\n`, {}, { code: 'MALFORMED_CSV', detail: 'The record at line 3 is longer than 65536 bytes (a cell that large is not an event).', field: 'line 3' }],
    ['a quote never closed', 'a,b\n1,2\r\n"3,4\n5,6\n', {}, { code: 'MALFORMED_CSV', detail: 'A quote opened at line 3 or after is never closed.', field: 'line 3' }],
  ])('refuses %s', async (_what, input, limits, want) => {
    expect(await refusal(input as string, limits)).toMatchObject(want);
  });
});

// ---- golden files: each fixture read whole, every row's outcome ----

async function outcome(file: string, source: 'acled' | 'ucdp') {
  const f = FORMATS[source];
  let layout: Layout | null = null;
  const rows: unknown[] = [];
  for await (const r of readCsv(fs.createReadStream(path.join(FIXTURES, file)), LIMITS)) {
    if (!layout) {
      const l = f.layout(r.cells);
      if (typeof l === 'string') throw new Error(l);
      layout = l;
      continue;
    }
    const res: RowResult = r.cells.length !== layout.width ? { ok: false, reason: `has ${r.cells.length} cells` } : f.row(layout, r.cells);
    rows.push({ line: r.line, ...(res.ok ? { row: res.row } : { reason: res.reason }) });
  }
  return { layout: layout!.variant, rows };
}

describe('golden files (illustrative fixtures in the real layouts)', () => {
  it.each([
    ['acled-current.csv', 'acled'],
    ['acled-older.csv', 'acled'],
    ['ucdp-current.csv', 'ucdp'],
    ['ucdp-older.csv', 'ucdp'],
  ] as const)('%s', async (file, source) => {
    const golden = path.join(FIXTURES, file.replace(/\.csv$/, '.golden.json'));
    const got = await outcome(file, source);
    // written only when asked for, and then read over by a person before it is committed
    if (process.env.TRUCE_WRITE_GOLDEN === '1' && !fs.existsSync(golden)) fs.writeFileSync(golden, `${JSON.stringify(got, null, 2)}\n`);
    expect(fs.existsSync(golden), `${golden} is missing (TRUCE_WRITE_GOLDEN=1 writes it, for review)`).toBe(true);
    expect(got).toEqual(JSON.parse(fs.readFileSync(golden, 'utf8')));
  });
});
