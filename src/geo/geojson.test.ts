import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { ApiError } from '../http/errors.ts';
import { checkGeometry, geometryFault, type Geometry } from './geojson.ts';

const square = [[36.2, 33.5], [36.3, 33.5], [36.3, 33.6], [36.2, 33.6], [36.2, 33.5]];

describe('RFC 7946 structure, with the exact coordinate at fault', () => {
  it.each<[string, Geometry, string | null, string]>([
    ['a point', { type: 'Point', coordinates: [36.2765, 33.5138] }, null, ''],
    ['a point with altitude', { type: 'Point', coordinates: [36.2765, 33.5138, 680] }, null, ''],
    ['latitude first by mistake', { type: 'Point', coordinates: [33.5, 136.2] }, 'g.coordinates.1', 'latitude 136.2 is outside -90..90'],
    ['longitude out of range', { type: 'Point', coordinates: [200, 33] }, 'g.coordinates.0', 'longitude 200 is outside -180..180'],
    ['a string for a number', { type: 'Point', coordinates: ['36', 33] }, 'g.coordinates', 'must be a position'],
    ['a one-position line', { type: 'LineString', coordinates: [[36, 33]] }, 'g.coordinates', 'at least 2 positions'],
    ['a closed square', { type: 'Polygon', coordinates: [square] }, null, ''],
    ['an unclosed ring', { type: 'Polygon', coordinates: [square.slice(0, 4)] }, 'g.coordinates.0', 'not closed'],
    ['a ring of three positions', { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36, 33]]] }, 'g.coordinates.0', 'at least 4 positions'],
    ['a bad position deep in a multipolygon', { type: 'MultiPolygon', coordinates: [[square], [[[36, 33], [36.1, 33], [36.1, 95], [36, 33]]]] }, 'g.coordinates.1.0.2.1', 'latitude 95'],
    ['an empty polygon', { type: 'Polygon', coordinates: [] }, 'g.coordinates', 'non-empty list of linear rings'],
    ['wrong nesting (positions where rings belong)', { type: 'Polygon', coordinates: square as unknown }, 'g.coordinates.0', 'list of positions'],
    ['the whole world (PostGIS: "Antipodal edge")', { type: 'Polygon', coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] }, 'g.coordinates.0.1', 'pole'],
    ['an edge of 180° of longitude', { type: 'LineString', coordinates: [[-180, 0], [0, 0], [180, 0]] }, 'g.coordinates.1', 'spans 180°'],
    ['an edge the long way round (340°)', { type: 'Polygon', coordinates: [[[-170, 10], [170, 10], [170, 20], [-170, 20], [-170, 10]]] }, 'g.coordinates.0.1', 'spans 180°'],
    ['an edge of 179.9° of longitude', { type: 'LineString', coordinates: [[-90, 10], [89.9, 10]] }, null, ''],
    ['an edge along the antimeridian', { type: 'LineString', coordinates: [[180, 60], [180, 70]] }, null, ''],
    ['antipodes on one meridian', { type: 'LineString', coordinates: [[36, -90], [36, 90]] }, 'g.coordinates.1', 'antipodal'],
  ])('%s', (_n, g, field, reason) => {
    const { fault } = geometryFault(g, 'g');
    if (field === null) expect(fault).toBeNull();
    else {
      expect(fault?.field).toBe(field);
      expect(fault?.reason).toContain(reason);
    }
  });

  it('counts vertices for the configurable limit', () => {
    expect(geometryFault({ type: 'MultiPolygon', coordinates: [[square], [square]] }, 'g').vertices).toBe(10);
  });
});

describe('PostGIS validity (ST_IsValidDetail), on the test engine', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(() => t?.drop());

  const fails = async (g: Geometry, max = 1000) => {
    try {
      await checkGeometry(t.db, g, 'geometry', max);
    } catch (e) {
      if (e instanceof ApiError) return e;
      throw e;
    }
    return null;
  };

  it('accepts a valid polygon with a hole', async () => {
    const hole = [[36.22, 33.52], [36.22, 33.58], [36.28, 33.58], [36.28, 33.52], [36.22, 33.52]];
    expect(await fails({ type: 'Polygon', coordinates: [square, hole] })).toBeNull();
  });

  it.each<[string, Geometry, RegExp, [number, number] | null]>([
    ['a self-intersecting bow-tie', { type: 'Polygon', coordinates: [[[36, 33], [36.2, 33.2], [36.2, 33], [36, 33.2], [36, 33]]] }, /Self-intersection at \[36\.1, 33\.1\]/, [36.1, 33.1]],
    ['a hole outside its shell', { type: 'Polygon', coordinates: [square, [[37, 34], [37, 34.1], [37.1, 34.1], [37.1, 34], [37, 34]]] }, /Hole lies outside shell/, null],
    ['overlapping parts of a multipolygon', { type: 'MultiPolygon', coordinates: [[square], [square]] }, /not a valid MultiPolygon/, null],
  ])('refuses %s with 422, the reason and where', async (_n, g, reason, at) => {
    const e = await fails(g);
    expect(e?.status).toBe(422);
    expect(e?.code).toBe('INVALID_GEOMETRY');
    expect(e?.field).toBe('geometry');
    expect(e?.detail).toMatch(reason);
    if (at) expect(e?.extra.location).toEqual(at);
  });

  it('refuses more vertices than the limit before asking PostGIS', async () => {
    const e = await fails({ type: 'Polygon', coordinates: [square] }, 4);
    expect(e?.detail).toMatch(/5 vertices; at most 4/);
  });
});
