// The incidents layer's rules (web/src/map/clusters.ts), in Node: what a view asks the server
// for, and how its answer is drawn (counts exact, never abbreviated).
import { describe, expect, it } from 'vitest';
import { clusterSize, countLabel, countOf, itemsOf, MAX_ZOOM, oneSpot, viewQuery } from '../../web/src/map/clusters.ts';
import type { IncidentClusters } from '../../web/src/types.ts';

const DAY = { from: new Date('2016-02-27T00:00:00Z'), to: new Date('2016-02-28T00:00:00Z') };

describe('the query of a view', () => {
  it.each<[string, [number, number, number, number], number, object, Record<string, string>]>([
    ['Syria at zoom 6.4, a quarter of margin each side', [36, 33, 40, 36], 6.4, {}, { bbox: '35,32.25,41,36.75', zoom: '6' }],
    ['the world, clamped', [-200, -89, 200, 89], 0.5, {}, { bbox: '-180,-85,180,85', zoom: '0' }],
    ['past the last zoom', [36.3, 33.5, 36.3001, 33.5001], 21, {}, { zoom: String(MAX_ZOOM) }],
    ['rounded outwards to a metre', [36.123456, 33.123456, 36.223456, 33.223456], 12, {}, { bbox: '36.09845,33.09845,36.24846,33.24846' }],
    ['the window [from, to) as the API’s inclusive to', [36, 33, 40, 36], 6, {}, { from: '2016-02-27T00:00:00.000Z', to: '2016-02-27T23:59:59.999Z' }],
    ['with the filters', [36, 33, 40, 36], 6, { type: 'shelling', status: 'verified', partyId: 'p' }, { type: 'shelling', status: 'verified', partyId: 'p' }],
    ['without empty filters', [36, 33, 40, 36], 6, { type: null, status: '', partyId: undefined }, {}],
  ])('%s', (_name, view, zoom, filters, expected) => {
    const q = viewQuery(view, zoom, { ...DAY, ...filters });
    expect(q).toMatchObject(expected);
    if (!('type' in expected)) expect(q.type).toBeUndefined();
  });
});

const answer = (clusters: IncidentClusters['clusters']): IncidentClusters => ({
  zoom: 6,
  inView: clusters.reduce((n, c) => n + c.count, 0),
  located: 0,
  unlocated: 0,
  version: 1,
  clusters,
});

describe('what an answer draws', () => {
  const res = answer([
    { count: 1234, lon: 36.3, lat: 33.5, bounds: [36.2, 33.4, 36.4, 33.6] },
    { count: 1, lon: 37.1, lat: 36.2, bounds: [37.1, 36.2, 37.1, 36.2], incident: { id: 'i1', status: 'verified', eventType: 'shelling', partyId: 'saaf' } },
    { count: 7, lon: 40.1, lat: 35.3, bounds: [40.1, 35.3, 40.1, 35.3] },
  ]);

  it('a marker per cluster, a cluster of one as its incident, and the counts add up to the view', () => {
    const items = itemsOf(res);
    expect(items.map((i) => i.kind)).toEqual(['cluster', 'incident', 'cluster']);
    expect(items[1]).toMatchObject({ kind: 'incident', props: { id: 'i1', status: 'verified', partyId: 'saaf' } });
    expect(countOf(items)).toBe(res.inView);
    expect(countOf(items)).toBe(1242);
  });

  it.each([
    [1, '1'],
    [1234, '1234'],
    [9999, '9999'],
    [123456, '123\u2009456'],
    [1000000, '1\u2009000\u2009000'],
  ])('a count of %s is written %s: never abbreviated', (n, label) => expect(countLabel(n)).toBe(label));

  it('a marker grows with its count, within bounds', () => {
    expect(clusterSize(2)).toBeLessThan(clusterSize(200));
    expect(clusterSize(1_000_000)).toBeLessThanOrEqual(56);
  });

  it.each<[[number, number, number, number], boolean]>([
    [[40.1, 35.3, 40.1, 35.3], true],
    [[40.1, 35.3, 40.100005, 35.300005], true],
    [[40.1, 35.3, 40.2, 35.3], false],
  ])('%j is one spot: %s', (b, one) => expect(oneSpot(b)).toBe(one));
});
