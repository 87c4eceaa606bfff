import { describe, expect, it } from 'vitest';
import { corridorFault, siteFault, type CorridorBounds, type SiteBounds } from './bounds.ts';

const B: SiteBounds = { maxAreaKm2: 10, maxSpanM: 15_000, maxBufferM: 5_000, notificationsPerDay: 200 };
const C: CorridorBounds = { maxWidthM: 5_000, maxLengthKm: 1_000, maxDays: 90 };
const ring = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const poly = (...rings: number[][][]) => ({ type: 'Polygon', coordinates: rings });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

describe('siteFault', () => {
  it.each<[string, { type: string; coordinates: unknown }, number, null | [string, string, RegExp]]>([
    ['a hospital point with the default buffer', point(36.28, 33.51), 500, null],
    ['a point with the largest buffer', point(36.28, 33.51), 5_000, null],
    ['a point with a buffer just over', point(36.28, 33.51), 5_001, ['EXCEEDS_BOUND', 'bufferM', /5,001 m is over .* 5,000 m/]],
    ['a compound of 1 km² (0.01° × 0.009°)', poly(ring(36.28, 33.5, 36.2907, 33.509)), 500, null],
    ['a camp of about 9 km² (3 km × 3 km)', poly(ring(36.3, 33.5, 36.3323, 33.527)), 0, null],
    ['a camp of about 11 km²', poly(ring(36.3, 33.5, 36.3377, 33.5281)), 0, ['EXCEEDS_BOUND', 'geometry', /area of 10.9\d km² .* 10 km²/]],
    ['a box the size of Syria', poly(ring(35.7, 32.3, 42.4, 37.3)), 0, ['EXCEEDS_BOUND', 'geometry', /spans 8\d\d km .* 15 km/]],
    ['a strip 10 m wide and 600 km long', poly(ring(35.7, 34, 42.4, 34.00009)), 0, ['EXCEEDS_BOUND', 'geometry', /spans .* km/]],
    ['a hole does not count against the area', poly(ring(36.3, 33.5, 36.3377, 33.5281), ring(36.31, 33.51, 36.32, 33.52)), 0, null],
    ['the whole globe', poly(ring(-180, -90, 180, 90)), 0, ['INVALID_GEOMETRY', 'geometry.coordinates.0.0', /on a pole/]],
    ['a cap over the north pole', poly(ring(-180, 40, 180, 90)), 0, ['INVALID_GEOMETRY', 'geometry.coordinates.0.2', /on a pole/]],
    ['a ring round the north pole', poly([[0, 89.9], [120, 89.9], [-120, 89.9], [0, 89.9]]), 0, ['INVALID_GEOMETRY', 'geometry.coordinates.0', /winds round a pole/]],
    ['a small box over the antimeridian', poly([[179.99, 0], [-179.99, 0], [-179.99, 0.01], [179.99, 0.01], [179.99, 0]]), 0, ['INVALID_GEOMETRY', 'geometry.coordinates.0.1', /antimeridian/]],
    ['a small box ending at 180°', poly(ring(179.99, 0, 180, 0.01)), 0, null],
    ['a hole that crosses the antimeridian', poly(ring(179, 0, 180, 1), [[179.5, 0.5], [-179.9, 0.5], [179.5, 0.6], [179.5, 0.5]]), 0, ['INVALID_GEOMETRY', 'geometry.coordinates.1.1', /antimeridian/]],
  ])('%s', (_n, g, buffer, expected) => {
    const f = siteFault(g, buffer, B);
    if (!expected) return expect(f).toBeNull();
    expect(f).toMatchObject({ code: expected[0], field: expected[1] });
    expect(f!.reason).toMatch(expected[2]);
  });
});

describe('corridorFault', () => {
  const d = (s: string) => new Date(s);
  const FROM = d('2016-03-01T00:00:00Z');
  it.each<[string, number[][], number, Date, null | [string, string, RegExp]]>([
    ['the Damascus–Madaya route for ten days', [[36.29, 33.51], [36.1, 33.69]], 1000, d('2016-03-11T00:00:00Z'), null],
    ['a width over the bound', [[36.29, 33.51], [36.1, 33.69]], 6000, d('2016-03-11T00:00:00Z'), ['EXCEEDS_BOUND', 'widthM', /6,000 m either side .* 5,000 m/]],
    ['a window of 92 days', [[36.29, 33.51], [36.1, 33.69]], 1000, d('2016-06-01T00:00:00Z'), ['EXCEEDS_BOUND', 'validTo', /92 days .* 90 days/]],
    ['a route of 1,060 km', [[30, 30], [41, 30]], 1000, d('2016-03-02T00:00:00Z'), ['EXCEEDS_BOUND', 'geometry', /1,\d{3} km long .* 1,000 km/]],
    ['a route over the antimeridian', [[179.9, 0], [-179.9, 0]], 1000, d('2016-03-02T00:00:00Z'), ['INVALID_GEOMETRY', 'geometry.coordinates.1', /antimeridian/]],
    ['a route through a pole', [[0, 89], [0, 90], [180, 89]], 1000, d('2016-03-02T00:00:00Z'), ['INVALID_GEOMETRY', 'geometry.coordinates.1', /pole/]],
  ])('%s', (_n, coords, width, to, expected) => {
    const f = corridorFault(coords, width, FROM, to, C);
    if (!expected) return expect(f).toBeNull();
    expect(f).toMatchObject({ code: expected[0], field: expected[1] });
    expect(f!.reason).toMatch(expected[2]);
  });
});
