// The vetting history's file formats (exports/vetting.ts): a row of cells and a Feature per decision.
import { describe, expect, it } from 'vitest';
import { csvRow, csvText } from './formats.ts';
import { VETTING_CSV_COLUMNS, vettingCells, vettingFeature, vettingFileName, type ExportVetting } from './vetting.ts';

const v = (over: Partial<ExportVetting> = {}): ExportVetting => ({
  id: 'v1', decision: 'prohibited', reasons: [{ code: 'COMMITTED_PARTY_TERRITORY', detail: 'In A, B.' }, { code: 'CROSS_BORDER', detail: 'In X.' }],
  told: { decision: 'review', reasons: [{ code: 'REFERRED_TO_TASK_FORCE', detail: 'Referred.' }], basis: 'grid' }, dataVersion: 9, target: { type: 'Point', coordinates: [-3.7, 40.4] },
  radiusM: 250, at: '2016-03-02T12:00:00.000Z', requestingPartyId: 'p', note: null, requestedBy: 'a', requestedAt: '2026-01-01T00:00:00.000Z', ledgerSeq: 30, ...over,
});
const cells = (x: ExportVetting) => Object.fromEntries(VETTING_CSV_COLUMNS.map((c, i) => [c, vettingCells(x, (id) => (id === 'p' ? 'Party P' : undefined))[i]]));

describe('a decision as a CSV row', () => {
  it.each<[string, ExportVetting, Record<string, unknown>]>([
    ['a disc', v(), { longitude: -3.7, latitude: 40.4, radiusM: 250, targetType: 'Point', requestingParty: 'Party P', reasonCodes: 'COMMITTED_PARTY_TERRITORY;CROSS_BORDER', reasons: 'COMMITTED_PARTY_TERRITORY: In A, B. | CROSS_BORDER: In X.', toldDecision: 'review', toldReasonCodes: 'REFERRED_TO_TASK_FORCE', toldBasis: 'grid', ledgerSeq: 30, dataVersion: 9 }],
    ['a polygon: no longitude or latitude, the geometry as text', v({ target: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36, 33.1], [36, 33]]] }, radiusM: null }), { longitude: null, latitude: null, radiusM: null, target: '{"type":"Polygon","coordinates":[[[36,33],[36.1,33],[36,33.1],[36,33]]]}' }],
    ['an unknown party, no told view, no leaf', v({ requestingPartyId: 'q', told: undefined, ledgerSeq: null }), { requestingParty: null, toldDecision: null, toldReasonCodes: null, toldBasis: null, ledgerSeq: null }],
  ])('%s', (_n, x, want) => expect(cells(x)).toMatchObject(want));

  it('guards a note a spreadsheet would run, and leaves a negative longitude a number', () => {
    const row = csvRow(vettingCells(v({ note: '=1+1' }), () => undefined));
    expect(row[VETTING_CSV_COLUMNS.indexOf('note')]).toBe("'=1+1");
    expect(row[VETTING_CSV_COLUMNS.indexOf('longitude')]).toBe(-3.7);
    expect(csvText([row])).toContain(',-3.7,');
  });
});

describe('a decision as a Feature', () => {
  it('has the target as geometry and everything else as properties', () => {
    const f = vettingFeature(v());
    expect(f).toMatchObject({ type: 'Feature', id: 'v1', geometry: { type: 'Point', coordinates: [-3.7, 40.4] }, properties: { radiusM: 250, decision: 'prohibited' } });
    expect('target' in f.properties).toBe(false);
  });
  it('names the file by format and time', () => {
    expect(vettingFileName('geojson', new Date('2026-12-02T14:05:09.123Z'))).toBe('truce-vetting-2026-12-02-140509.geojson');
  });
});
