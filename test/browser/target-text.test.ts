// The vetting console's typed and pasted targets (web/src/map/target-text.ts), in Node: every
// way an officer writes a position, read to the same point, and what is refused, with its reason.
import { LatLon } from 'geodesy/mgrs.js';
import { describe, expect, it } from 'vitest';
import { readTarget } from '../../web/src/map/target-text.ts';

// Damascus, Umayyad Mosque: 33.511667° N, 36.306667° E (33°30′42″N 36°18′24″E)
const AT: [number, number] = [36.306667, 33.511667];
const near = (a: number[], b: number[], eps: number) => Math.hypot(a[0] - b[0], a[1] - b[1]) < eps;

describe('a position in degrees', () => {
  it.each<[string, string]>([
    ['decimal, latitude first', '33.511667, 36.306667'],
    ['decimal, a semicolon', '33.511667; 36.306667'],
    ['decimal, a space', '33.511667 36.306667'],
    ['decimal with hemispheres after', '33.511667N 36.306667E'],
    ['decimal with hemispheres before', 'N33.511667 E36.306667'],
    ['longitude first, said by its letters', '36.306667 E, 33.511667 N'],
    ['degrees, minutes, seconds', `33°30'42"N 36°18'24"E`],
    ['degrees, minutes, seconds with typographic marks', '33°30′42″N, 36°18′24″E'],
    ['degrees, minutes, seconds with spaces', '33 30 42 N 36 18 24 E'],
    ['degrees and decimal minutes', `33°30.7'N 36°18.4'E`],
  ])('%s', (_n, text) => {
    const r = readTarget(text);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.kind).toBe('degrees');
    expect(r.target.type).toBe('Point');
    expect(near(r.target.coordinates as number[], AT, 2e-4)).toBe(true);
    expect(r.read).toMatch(/^33\.51\d+° N, 36\.30\d+° E$/);
  });

  it('reads south and west as negative', () => {
    const r = readTarget(`12°30'S 45°15'W`);
    expect(r).toMatchObject({ ok: true, target: { coordinates: [-45.25, -12.5] }, read: '12.50000° S, 45.25000° W' });
  });

  it.each<[string, string, RegExp]>([
    ['nothing', '  ', /Type a latitude and longitude/],
    ['one number', '33.5', /is not a position/],
    ['three numbers', '33.5, 36.3, 12', /is not a position/],
    ['a latitude past 90 (the longitude first, unlettered)', '136.3, 33.5', /beyond 90°: is it the longitude/],
    ['a longitude past 180', '33.5, 181', /longitude 181 is beyond 180/],
    ['two latitudes', '33.5N 36.3N', /same axis \(N and N\)/],
    ['words', 'Damascus, Syria', /is not a number of degrees/],
  ])('refuses %s', (_n, text, reason) => {
    const r = readTarget(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('an MGRS grid reference', () => {
  // the point above by geodesy's own forward conversion (LatLon.toUtm().toMgrs()), checked below
  it('is the reference of the point above', () => {
    expect(new LatLon(AT[1], AT[0]).toUtm().toMgrs().toString()).toBe('37S BT 49826 11260');
  });
  it.each<[string, string, number]>([
    ['10 digits (1 m), spaced', '37S BT 49826 11260', 2e-5],
    ['10 digits, run together, lower case', '37sbt4982611260', 2e-5],
    ['8 digits (10 m)', '37S BT 4982 1126', 2e-4],
    ['4 digits (1 km): the centre of the square', '37S BT 49 11', 1e-2],
  ])('%s', (_n, text, eps) => {
    const r = readTarget(text);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.kind).toBe('mgrs');
    expect(near(r.target.coordinates as number[], AT, eps)).toBe(true);
    expect(r.read).toMatch(/^MGRS 37S BT .*square, 33\.5\d+° N, 36\.3\d+° E$/);
  });

  it.each<[string, string, RegExp]>([
    ['an odd number of digits', '37S BT 498 1126', /even number, at most 10/],
    ['more than 10 digits', '37S BT 498260 112600', /even number, at most 10/],
    ['a band letter that is none (I)', '37I BT 49826 11260', /is not a position|not a number/],
    ['a zone past 60', '61S BT 49826 11260', /not a valid MGRS grid reference/],
  ])('refuses %s', (_n, text, reason) => {
    const r = readTarget(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('pasted GeoJSON', () => {
  const square = { type: 'Polygon', coordinates: [[[36.3, 33.5], [36.31, 33.5], [36.31, 33.51], [36.3, 33.51], [36.3, 33.5]]] };
  it.each<[string, unknown, string, string]>([
    ['a Point geometry', { type: 'Point', coordinates: AT }, 'Point', 'a point at 33.51167° N, 36.30667° E'],
    ['a Feature', { type: 'Feature', properties: {}, geometry: square }, 'Polygon', 'a polygon of 4 vertices'],
    ['a collection of one', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: square }] }, 'Polygon', 'a polygon of 4 vertices'],
  ])('%s', (_n, doc, type, read) => {
    const r = readTarget(JSON.stringify(doc, null, 2));
    expect(r).toMatchObject({ ok: true, kind: 'geojson', target: { type }, read });
  });

  it.each<[string, string, RegExp]>([
    ['broken JSON', '{"type": "Point", "coordinates": [36.3, }', /not valid JSON/],
    ['a LineString', JSON.stringify({ type: 'LineString', coordinates: [[36, 33], [37, 34]] }), /the pasted GeoJSON is a LineString/],
    ['two features', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: AT } }, { type: 'Feature', geometry: { type: 'Point', coordinates: AT } }] }), /holds 2 features/],
    ['a point off the globe', JSON.stringify({ type: 'Point', coordinates: [200, 33] }), /within -180..180/],
    ['an open ring', JSON.stringify({ type: 'Polygon', coordinates: [[[36.3, 33.5], [36.31, 33.5], [36.31, 33.51], [36.3, 33.51]]] }), /not closed/],
    ['a ring of three', JSON.stringify({ type: 'Polygon', coordinates: [[[36.3, 33.5], [36.31, 33.5], [36.3, 33.5]]] }), /has 3 positions/],
  ])('refuses %s', (_n, text, reason) => {
    const r = readTarget(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
