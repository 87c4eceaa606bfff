// The export formats' pure rules, table by table: formula guards, ACLED's precision and actor
// codes, and an incident written in each layout.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.ts';
import { ACLED_COLUMNS, acledCells, csvCells, CSV_COLUMNS, csvRow, csvText, feature, fileName, geoPrecision, HXL_COLUMNS, hxlCells, interaction, interCode, safeText, timePrecision, type ExportIncident, type RowContext } from './formats.ts';

describe('safeText', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['\r=x', "'\r=x"],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ['Douma', 'Douma'],
    ['', ''],
  ])('%j → %j', (s, out) => expect(safeText(s)).toBe(out));

  it('guards text cells only: numbers stay numbers, nothing is empty', () => {
    expect(csvRow(['-x', -3.7, null, 0, '=A1'])).toEqual(["'-x", -3.7, '', 0, "'=A1"]);
  });
});

describe('csvText', () => {
  it.each([
    [[['a', 1, -2.5, '']], 'a,1,-2.5,\r\n'],
    [[['x,y', 'say "hi"', 'two\nlines', 'cr\r']], '"x,y","say ""hi""","two\nlines","cr\r"\r\n'],
    [[['  spaced ', "'=1", 'دوما']], "  spaced ,'=1,دوما\r\n"],
    [[], ''],
  ] as const)('%j', (rows, text) => expect(csvText(rows as never)).toBe(text));

  /** Seeded hostile rows: text of quotes, commas, line ends, formula marks and other scripts, and numbers. */
  const hostile = (seed: number, alphabet: string[]) => {
    const r = rng(seed);
    const cell = () => (r() < 0.3 ? Math.round((r() - 0.5) * 1e6) / 100 : Array.from({ length: Math.floor(r() * 8) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
    return Array.from({ length: 500 }, () => Array.from({ length: 1 + Math.floor(r() * 6) }, cell));
  };
  const ALPHABET = ['a', 'Z', ' ', ',', '"', ';', "'", '=', '-', 'é', 'ج', '\t', '0', '.'];

  it('writes the same bytes as csv-stringify (on one-line text)', () => {
    const rows = hostile(11, ALPHABET);
    expect(csvText(rows)).toBe(stringify(rows, { record_delimiter: 'windows' }));
  });

  it('reads back with csv-parse as it was, line ends inside a cell too (quoted always: csv-stringify leaves a lone CR or LF bare beside CRLF records)', () => {
    const rows = hostile(12, [...ALPHABET, '\r', '\n']);
    expect(parse(csvText(rows), { relax_column_count: true })).toEqual(rows.map((row) => row.map(String)));
  });
});

describe('ACLED codes', () => {
  it.each([
    ['2016-02-27T10:00:00.000Z', '2016-02-27T10:00:00.000Z', 1],
    ['2016-02-27T00:00:00.000Z', '2016-02-28T00:00:00.000Z', 1], // a day, its end exclusive
    ['2016-02-27T23:00:00.000Z', '2016-02-28T01:00:00.000Z', 2],
    ['2016-02-22T00:00:00.000Z', '2016-02-29T00:00:00.000Z', 2], // an ISO week
    ['2016-02-01T00:00:00.000Z', '2016-03-01T00:00:00.000Z', 3], // a month
  ] as const)('time precision of %s – %s is %i', (from, to, p) => expect(timePrecision(from, to)).toBe(p));

  it.each([
    ['exact', 1],
    ['near', 2],
    ['adm3', 2],
    ['adm2', 3],
    ['adm1', 3],
    [null, null],
  ] as const)('geo precision of %s is %s', (p, code) => expect(geoPrecision(p)).toBe(code));

  it.each([
    [{ name: 'A', kind: 'state_force', homeState: 'SYR' }, 'SYR', 1],
    [{ name: 'A', kind: 'state_force', homeState: 'RUS' }, 'SYR', 8],
    [{ name: 'A', kind: 'state_force', homeState: null }, 'SYR', 8],
    [{ name: 'A', kind: 'non_state_armed_group', homeState: 'SYR' }, 'SYR', 2],
    [{ name: 'A', kind: 'non_state_armed_group', homeState: null }, 'SYR', 2],
    [{ name: 'A', kind: 'non_state_armed_group', homeState: 'LBN' }, 'SYR', 8],
    [{ name: 'A', kind: 'coalition', homeState: 'USA' }, 'SYR', 8],
    [{ name: 'A', kind: 'other', homeState: null }, null, 8],
    [undefined, 'SYR', null],
  ] as const)('inter code of %j in %s is %s', (p, c, code) => expect(interCode(p, c)).toBe(code));

  it.each([
    [1, 2, 12],
    [2, 1, 12],
    [8, 2, 28],
    [1, null, 10],
    [null, 7, 70],
    [null, null, null],
  ] as const)('interaction of %s and %s is %s', (a, b, x) => expect(interaction(a, b)).toBe(x));
});

const SAAF = '00000000-2016-4000-8000-000000000103';
const JAI = '00000000-2016-4000-8000-000000000110';
const incident: ExportIncident = {
  id: 'f4b35ef4-5d11-4550-ae9c-ee52b6bc4bc0',
  status: 'disputed',
  grade: 'contested',
  reasoning: 'Two accounts.',
  eventType: 'shelling',
  occurredFrom: '2016-02-27T09:00:00.000Z',
  occurredTo: '2016-02-27T09:00:00.000Z',
  location: { type: 'Point', coordinates: [36.4012, 33.5745] },
  locationPrecision: 'exact',
  pcodes: { adm1: { code: 'SY03', name: 'Rural Damascus' }, adm2: { code: 'SY0301', name: 'Duma' }, adm3: null },
  perpetratorPartyIds: [SAAF],
  targetPartyIds: [JAI],
  casualties: { killed: { best: 3, civilians: 2 }, injured: { best: 7 } },
  reportCount: 2,
  mergedInto: null,
  publishedAt: '2016-03-01T00:00:00.000Z',
  determination: { id: 'd', finding: 'violation', violatorPartyIds: [SAAF], standing: true, concurredBy: [] },
  createdAt: '2016-02-27T10:00:00.000Z',
  updatedAt: '2016-03-01T00:00:00.000Z',
};
const ctx: RowContext = {
  party: (id) => (id === SAAF ? { name: 'Syrian Arab Armed Forces', kind: 'state_force', homeState: 'SYR' } : id === JAI ? { name: '=Jaysh', kind: 'non_state_armed_group', homeState: 'SYR' } : undefined),
  country: () => ({ iso3: 'SYR', name: 'Syrian Arab Republic', numeric: 760 }),
};
const row = (cols: readonly string[], cells: unknown[]) => Object.fromEntries(cols.map((c, i) => [c, cells[i]]));

describe('an incident in each layout', () => {
  it('ACLED: 31 cells, in the layout’s order', () => {
    const cells = acledCells(incident, ctx);
    expect(cells).toHaveLength(31);
    expect(row(ACLED_COLUMNS, cells)).toEqual({
      event_id_cnty: incident.id, event_date: '2016-02-27', year: 2016, time_precision: 1, disorder_type: 'Political violence',
      event_type: 'Explosions/Remote violence', sub_event_type: 'Shelling/artillery/missile attack', actor1: 'Syrian Arab Armed Forces', assoc_actor_1: '', inter1: 1,
      actor2: '=Jaysh', assoc_actor_2: '', inter2: 2, interaction: 12, civilian_targeting: null, iso: 760, region: null, country: 'Syrian Arab Republic',
      admin1: 'Rural Damascus', admin2: 'Duma', admin3: null, location: 'Duma', latitude: 33.5745, longitude: 36.4012, geo_precision: 1, source: null, source_scale: null,
      notes: 'Two accounts.', fatalities: 3, tags: 'status=disputed; grade=contested; reports=2; determination=violation', timestamp: 1456790400,
    });
    // the guard applies when the row is written
    expect(csvRow(cells)[10]).toBe("'=Jaysh");
  });

  it('ACLED: an attack on civilians with no party targeted names the civilians (inter 7)', () => {
    const r = row(ACLED_COLUMNS, acledCells({ ...incident, eventType: 'attack_on_civilians', targetPartyIds: [] }, ctx));
    expect(r).toMatchObject({ event_type: 'Violence against civilians', sub_event_type: 'Attack', actor2: 'Civilians (Syrian Arab Republic)', inter2: 7, interaction: 17, civilian_targeting: 'Civilian targeting' });
  });

  it('HXL: a cell per hashtag', () => {
    const r = row(HXL_COLUMNS.map(([, tag]) => tag), hxlCells(incident, ctx));
    expect(r).toMatchObject({ '#event+id': incident.id, '#date+occurred': incident.occurredFrom, '#adm1+name': 'Rural Damascus', '#adm1+code': 'SY03', '#adm3+code': null, '#geo+lat': 33.5745, '#geo+lon': 36.4012, '#group+perpetrator': 'Syrian Arab Armed Forces', '#affected+killed': 3, '#affected+killed+civilians': 2, '#affected+injured': 7, '#status': 'disputed', '#status+determination': 'violation' });
    expect(hxlCells(incident, ctx)).toHaveLength(HXL_COLUMNS.length);
  });

  it('CSV: the list’s fields, flat', () => {
    const r = row(CSV_COLUMNS, csvCells(incident, ctx));
    expect(r).toMatchObject({ id: incident.id, longitude: 36.4012, latitude: 33.5745, adm2Name: 'Duma', adm3Code: null, perpetrators: 'Syrian Arab Armed Forces', targetPartyIds: JAI, killedBest: 3, killedLow: null, injuredBest: 7, determinationStanding: 'true', determinationViolatorPartyIds: SAAF });
    expect(csvCells({ ...incident, location: null, determination: null }, ctx).slice(7, 9)).toEqual([null, null]);
  });

  it('GeoJSON: the point as geometry, the rest as properties', () => {
    const f = feature(incident);
    expect(f).toMatchObject({ type: 'Feature', id: incident.id, geometry: incident.location });
    expect('location' in f.properties).toBe(false);
    expect(f.properties.status).toBe('disputed');
  });

  it('names the file by format and time', () => {
    expect(fileName('acled', new Date('2026-12-02T06:16:40.123Z'))).toBe('truce-incidents-2026-12-02-061640.acled.csv');
    expect(fileName('geojson', new Date('2026-12-02T06:16:40Z'))).toBe('truce-incidents-2026-12-02-061640.geojson');
  });
});
