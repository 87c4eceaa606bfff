// The pure cores of src/ogc: bbox and datetime as OGC API writes them, the box test of areas,
// keyset pages by id and the bounds of coordinates.
import { describe, expect, it } from 'vitest';
import { PreparedArea } from '../geo/shapes.ts';
import { ApiError } from '../http/errors.ts';
import { boundsOf, collection, featurePage, landingPage } from './documents.ts';
import { meetsBox, pageById, polygonsOf } from './features.ts';
import { parseBbox, parseDatetime } from './params.ts';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, field: e.field, detail: e.detail };
    throw e;
  }
  throw new Error('not refused');
};

describe('parseBbox', () => {
  it.each([
    ['4 numbers', '35,32,43,38', [35, 32, 43, 38]],
    ['decimals and signs', '-1.5,-2.25,+3,4e1', [-1.5, -2.25, 3, 40]],
    ['6 numbers: heights dropped', '35,32,-10,43,38,2000', [35, 32, 43, 38]],
    ['a point', '36.2,33.5,36.2,33.5', [36.2, 33.5, 36.2, 33.5]],
    ['the whole world', '-180,-90,180,90', [-180, -90, 180, 90]],
    ['spaces around numbers', ' 35 , 32 ,43, 38 ', [35, 32, 43, 38]],
  ])('%s', (_n, s, want) => expect(parseBbox(s)).toEqual(want));

  it.each([
    ['empty', '', /4 numbers.*not 1/],
    ['3 numbers', '1,2,3', /not 3/],
    ['5 numbers', '1,2,3,4,5', /not 5/],
    ['a word', '1,x,3,4', /value 2 is not a number/],
    ['an empty value', '1,2,,4', /value 3/],
    ['hex', '0x10,2,3,4', /value 1/],
    ['Infinity', 'Infinity,2,3,4', /value 1/],
    ['huge exponent', '1e400,2,3,4', /finite/],
    ['longitude past 180', '179,0,181,1', /longitudes/],
    ['latitude past -90', '0,-91,1,1', /latitudes/],
    ['south above north', '0,2,1,1', /southern latitude first/],
    ['across the antimeridian', '170,0,-170,1', /antimeridian/],
    ['heights inverted', '0,0,10,1,1,5', /lower height first/],
  ])('refuses %s, naming bbox', (_n, s, reason) => {
    const r = refusal(() => parseBbox(s));
    expect(r).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bbox' });
    expect(r.detail).toMatch(reason);
  });
});

describe('parseDatetime', () => {
  const d = (s: string) => new Date(s);
  it.each([
    ['an instant', '2016-02-27T10:00:00Z', { kind: 'instant', from: d('2016-02-27T10:00:00Z'), to: d('2016-02-27T10:00:00Z') }],
    ['an instant with an offset', '2016-02-27T12:00:00+02:00', { kind: 'instant', from: d('2016-02-27T10:00:00Z'), to: d('2016-02-27T10:00:00Z') }],
    ['fractions of a second', '2016-02-27T10:00:00.123Z', { kind: 'instant', from: d('2016-02-27T10:00:00.123Z'), to: d('2016-02-27T10:00:00.123Z') }],
    ['a date: the whole UTC day', '2016-02-27', { kind: 'instant', from: d('2016-02-27T00:00:00Z'), to: d('2016-02-27T23:59:59.999Z') }],
    ['a closed interval', '2016-02-01T00:00:00Z/2016-03-01T00:00:00Z', { kind: 'interval', from: d('2016-02-01T00:00:00Z'), to: d('2016-03-01T00:00:00Z') }],
    ['an interval of dates: whole days', '2016-02-01/2016-02-29', { kind: 'interval', from: d('2016-02-01T00:00:00Z'), to: d('2016-02-29T23:59:59.999Z') }],
    ['open start ..', '../2016-03-01T00:00:00Z', { kind: 'interval', from: null, to: d('2016-03-01T00:00:00Z') }],
    ['open start empty', '/2016-03-01T00:00:00Z', { kind: 'interval', from: null, to: d('2016-03-01T00:00:00Z') }],
    ['open end ..', '2016-02-01T00:00:00Z/..', { kind: 'interval', from: d('2016-02-01T00:00:00Z'), to: null }],
    ['open end empty', '2016-02-01T00:00:00Z/', { kind: 'interval', from: d('2016-02-01T00:00:00Z'), to: null }],
    ['an instant as an interval of no length', '2016-02-01T00:00:00Z/2016-02-01T00:00:00Z', { kind: 'interval', from: d('2016-02-01T00:00:00Z'), to: d('2016-02-01T00:00:00Z') }],
  ])('%s', (_n, s, want) => expect(parseDatetime(s)).toEqual(want));

  it.each([
    ['empty', '', /an instant or an interval/],
    ['..', '..', /an instant or an interval/],
    ['open at both ends', '../..', /at least one end/],
    ['a slash', '/', /at least one end/],
    ['three parts', '2016-01-01/2016-02-01/2016-03-01', /one interval/],
    ['no zone', '2016-02-27T10:00:00', /the instant .* is not an RFC 3339/],
    ['a word', 'now', /the instant "now"/],
    ['month 13', '2016-13-01', /not an RFC 3339/],
    ['30 February', '2016-02-30', /not an RFC 3339/],
    ['a bad start', 'x/2016-02-01', /the start "x"/],
    ['a bad end', '2016-02-01/y', /the end "y"/],
    ['ends before it starts', '2016-03-01T00:00:00Z/2016-02-01T00:00:00Z', /end before it starts/],
  ])('refuses %s, naming datetime', (_n, s, reason) => {
    const r = refusal(() => parseDatetime(s));
    expect(r).toMatchObject({ code: 'VALIDATION_FAILED', field: 'datetime' });
    expect(r.detail).toMatch(reason);
  });
});

describe('meetsBox: planar, boundaries included', () => {
  const square = new PreparedArea(polygonsOf({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] }));
  const withHole = new PreparedArea(polygonsOf({ type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[3, 3], [7, 3], [7, 7], [3, 7], [3, 3]]] }));
  const two = new PreparedArea(polygonsOf({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]] }));
  it.each([
    ['a box inside', square, [0.5, 0.5, 1, 1], true],
    ['a box around', square, [-1, -1, 3, 3], true],
    ['a box across an edge', square, [1, 1, 3, 3], true],
    ['a box touching an edge', square, [2, 0.5, 3, 1], true],
    ['a box touching a corner', square, [2, 2, 3, 3], true],
    ['a box beside', square, [2.1, 0, 3, 1], false],
    ['a point inside', square, [1, 1, 1, 1], true],
    ['a point on the boundary', square, [0, 1, 0, 1], true],
    ['a point outside', square, [3, 3, 3, 3], false],
    ['a vertical line across', square, [1, -1, 1, 3], true],
    ['a horizontal line beside', square, [-1, 3, 3, 3], false],
    ['a box in the hole', withHole, [4, 4, 6, 6], false],
    ['a box across the hole’s edge', withHole, [4, 4, 8, 6], true],
    ['a point in the hole', withHole, [5, 5, 5, 5], false],
    ['a box between the parts', two, [2, 2, 4, 4], false],
    ['a box on the second part', two, [5.5, 5.5, 7, 7], true],
  ] as [string, PreparedArea, [number, number, number, number], boolean][])('%s', (_n, area, box, want) => expect(meetsBox(area, box)).toBe(want));
});

describe('pageById: keyset pages over a sorted list', () => {
  const list = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
  it.each([
    ['the first page', null, 2, ['a', 'b'], true],
    ['after b', 'b', 2, ['c', 'd'], true],
    ['the last page', 'd', 2, ['e'], false],
    ['after the last', 'e', 2, [], false],
    ['after an id no longer there', 'bb', 2, ['c', 'd'], true],
    ['before the first', '0', 5, ['a', 'b', 'c', 'd', 'e'], false],
    ['all on one page', null, 10, ['a', 'b', 'c', 'd', 'e'], false],
  ] as [string, string | null, number, string[], boolean][])('%s', (_n, after, limit, ids, more) => {
    const p = pageById(list, after, limit);
    expect(p.items.map((x) => x.id)).toEqual(ids);
    expect(p.more).toBe(more);
  });
});

describe('documents', () => {
  it('bounds of nested coordinates', () => {
    expect(boundsOf([[[[0, 1], [2, -3]]], [[5, 4]]])).toEqual([0, -3, 5, 4]);
    expect(boundsOf([])).toBeNull();
  });
  it('a page links self, next only when there is more, and its collection, each with rel and type', () => {
    const page = featurePage({ base: 'http://h', id: 'incidents', self: 'http://h/x', next: null, features: [], numberMatched: 0, timeStamp: new Date(0) });
    expect(page.links.map((l) => l.rel)).toEqual(['self', 'collection']);
    expect(featurePage({ base: 'http://h', id: 'incidents', self: 's', next: 'n', features: [], numberMatched: 3, timeStamp: new Date(0) }).links.map((l) => l.rel)).toEqual(['self', 'next', 'collection']);
    for (const l of [...landingPage('http://h').links, ...collection('http://h', 'admin-areas').links, ...page.links]) expect(l.type).toMatch(/^(application|text)\//);
  });
});
