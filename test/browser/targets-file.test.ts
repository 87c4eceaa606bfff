// Batch vetting's files (web/src/vetting/targets-file.ts and results-file.ts), in Node: the CSV
// and GeoJSON an officer chooses or pastes, read to targets or to faults naming their row; and the
// results written back as CSV (formulas guarded) and GeoJSON.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readTargetsFile } from '../../web/src/vetting/targets-file.ts';
import { resultsCsv, resultsGeoJson, RESULT_COLUMNS } from '../../web/src/vetting/results-file.ts';
import type { VettingBatchItem } from '../../web/src/types.ts';

const P = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

describe('CSV', () => {
  it.each<[string, string, object[]]>([
    ['lat and lon columns', 'lat,lon\n33.5,36.3\n', [{ target: P(36.3, 33.5) }]],
    ['long names, any case, a radius, a time and a note', 'Latitude,Longitude,Radius_m,Time,Name\n33.5,36.3,250,2016-03-02T12:00:00Z,Depot\n', [{ target: P(36.3, 33.5), radiusM: 250, at: '2016-03-02T12:00:00.000Z', note: 'Depot' }]],
    ['a plain date is the start of the day UTC', 'lat,lon,at\n33.5,36.3,2016-03-02\n', [{ target: P(36.3, 33.5), at: '2016-03-02T00:00:00.000Z' }]],
    ['degrees, minutes and seconds', 'lat,lon\n33°30′N,36°18′E\n', [{ target: P(36.3, 33.5) }]],
    ['one target column, as typed in the console', 'target,note\n"33.5, 36.3",a\n37SBT4982611260,b\n', [{ target: P(36.3, 33.5), note: 'a' }, { target: expect.objectContaining({ type: 'Point' }), note: 'b' }]],
    ['a GeoJSON polygon in a target column', 'target\n"{""type"":""Polygon"",""coordinates"":[[[36,33],[36.1,33],[36.1,33.1],[36,33],[36,33]]]}"\n', [{ target: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36.1, 33.1], [36, 33], [36, 33]]] } }]],
    ['a byte-order mark, blank lines, CRLF', '\uFEFFlat,lon\r\n\r\n33.5,36.3\r\n', [{ target: P(36.3, 33.5) }]],
    ['a zero radius is a point', 'lat,lon,radius\n33.5,36.3,0\n', [{ target: P(36.3, 33.5) }]],
    ['a quote inside a cell, as spreadsheets export notes', 'lat,lon,note\n33.5,36.3,=HYPERLINK("x")\n', [{ target: P(36.3, 33.5), note: '=HYPERLINK("x")' }]],
  ])('%s', (_n, text, targets) => {
    const r = readTargetsFile(text, 1000);
    expect(r.errors).toEqual([]);
    expect(r.kind).toBe('csv');
    expect(r.targets).toEqual(targets);
    expect(r.sources).toEqual(targets.map((_, i) => `row ${i + 1}`));
  });

  it.each<[string, string, RegExp[]]>([
    ['no position column', 'name,radius\nx,5\n', [/names no position/]],
    ['a latitude beyond 90', 'lat,lon\n33.5,36.3\n95,36.3\n', [/^row 2 \(line 3\): .*latitude/i]],
    ['not a number', 'lat,lon\nnorth,east\n', [/^row 1 \(line 2\)/]],
    ['a bad radius and a bad time on one row', 'lat,lon,radius_m,at\n33.5,36.3,far,soon\n', [/^row 1 \(line 2\): .*radius.*; .*not a time/]],
    ['a radius on a polygon', 'target,radius\n"{""type"":""Polygon"",""coordinates"":[[[36,33],[36.1,33],[36.1,33.1],[36,33]]]}",5\n', [/^row 1 \(line 2\): a radius applies to a point only/]],
    ['an empty file', '  \n', [/empty/]],
    ['a header alone', 'lat,lon\n', [/no target/]],
  ])('refuses %s, naming the row', (_n, text, errors) => {
    const r = readTargetsFile(text, 1000);
    expect(r.errors).toHaveLength(errors.length);
    errors.forEach((e, i) => expect(r.errors[i]).toMatch(e));
  });

  it('refuses more targets than a batch takes', () => {
    const r = readTargetsFile(`lat,lon\n${'33.5,36.3\n'.repeat(1001)}`, 1000);
    expect(r.targets).toHaveLength(1001);
    expect(r.errors[0]).toBe('The file holds 1001 targets; a batch takes at most 1000.');
  });
});

describe('GeoJSON', () => {
  it('reads a FeatureCollection of points and polygons with their properties', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: P(36.3, 33.5), properties: { radius_m: 100, name: 'A', at: '2016-03-02T12:00:00Z' } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36.1, 33.1], [36, 33]]] }, properties: null },
      ],
    };
    const r = readTargetsFile(JSON.stringify(fc), 1000);
    expect(r.errors).toEqual([]);
    expect(r.kind).toBe('geojson');
    expect(r.targets).toEqual([{ target: P(36.3, 33.5), radiusM: 100, note: 'A', at: '2016-03-02T12:00:00.000Z' }, { target: fc.features[1].geometry }]);
    expect(r.sources).toEqual(['feature 1', 'feature 2']);
  });

  it.each<[string, unknown, string]>([
    ['a bare geometry', P(36.3, 33.5), ''],
    ['a Feature', { type: 'Feature', geometry: P(36.3, 33.5), properties: {} }, ''],
    ['a LineString', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[36, 33], [36.1, 33]] }, properties: {} }] }, 'feature 1'],
    ['a feature without geometry', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: {} }] }, 'feature 1: '],
    ['an open ring', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36.1, 33.1], [36, 33.2]]] }, properties: {} }] }, 'feature 1: Ring 1'],
  ])('%s', (_n, doc, fault) => {
    const r = readTargetsFile(JSON.stringify(doc), 1000);
    if (!fault) {
      expect(r.errors).toEqual([]);
      expect(r.targets).toEqual([{ target: P(36.3, 33.5) }]);
    } else expect(r.errors[0].startsWith(fault)).toBe(true);
  });

  it('says when the JSON cannot be read', () => {
    expect(readTargetsFile('{"type": "FeatureCollection",', 1000).errors[0]).toMatch(/^The file is not valid JSON/);
  });
});

describe('the results as files', () => {
  const item = (over: Partial<VettingBatchItem>): VettingBatchItem => ({
    index: 0, id: 'a', decision: 'prohibited', reasons: [{ code: 'COMMITTED_PARTY_TERRITORY', detail: 'x' }], dataVersion: 3, target: { type: 'Point', coordinates: [-3.7, 40.4] },
    radiusM: null, at: '2016-03-02T12:00:00.000Z', requestingPartyId: 'p', note: null, requestedBy: null, requestedAt: '2026-01-01T00:00:00.000Z', ...over,
  });
  it('writes a row per target, numbers as numbers and formulas as text', () => {
    const items = [item({}), item({ index: 1, id: 'b', decision: 'review', reasons: [], note: '=HYPERLINK("x")', target: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36.1, 33.1], [36, 33]]] } })];
    const rows = parse(resultsCsv(items, ['row 1', 'row 2']), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...RESULT_COLUMNS]);
    expect(rows.map((r) => [r.index, r.source, r.id, r.decision, r.reasonCodes, r.longitude, r.note])).toEqual([['0', 'row 1', 'a', 'prohibited', 'COMMITTED_PARTY_TERRITORY', '-3.7', ''], ['1', 'row 2', 'b', 'review', '', '', `'=HYPERLINK("x")`]]);
    expect(JSON.parse(rows[1].target).type).toBe('Polygon');
    const fc = JSON.parse(resultsGeoJson(items, ['row 1', 'row 2']));
    expect(fc.features.map((f: { id: string; properties: { source: string; note: string | null } }) => [f.id, f.properties.source, f.properties.note])).toEqual([['a', 'row 1', null], ['b', 'row 2', '=HYPERLINK("x")']]);
  });
});
