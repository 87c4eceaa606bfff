// Golden GeoJSON: the overlap of two claims and the ground a party gained and lost, for a fixed
// scenario, compared with files checked in under golden/ (TRUCE_UPDATE_GOLDEN=1 rewrites them).
// Rings are normalised (start vertex, orientation, order, 6 decimals: ~0.1 m), so GEOS versions
// that start a ring elsewhere still agree.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';

type Ring = number[][];
const DIR = path.join(import.meta.dirname, 'golden');

function ring(r: Ring, outer: boolean): Ring {
  const pts = r.slice(0, -1).map(([x, y]) => [Number(x.toFixed(6)), Number(y.toFixed(6))]);
  let twice = 0;
  for (let i = 0; i < pts.length; i++) {
    const [a, b] = [pts[i], pts[(i + 1) % pts.length]];
    twice += (b[0] - a[0]) * (b[1] + a[1]);
  }
  if ((twice < 0) !== outer) pts.reverse(); // outer counter-clockwise, holes clockwise (RFC 7946)
  let k = 0;
  for (let i = 1; i < pts.length; i++) if (pts[i][0] < pts[k][0] || (pts[i][0] === pts[k][0] && pts[i][1] < pts[k][1])) k = i;
  const out = [...pts.slice(k), ...pts.slice(0, k)];
  return [...out, out[0]];
}

function normalise(g: { type: string; coordinates: Ring[][] } | null) {
  if (!g) return null;
  const polys = g.coordinates.map((p) => [ring(p[0], true), ...p.slice(1).map((h) => ring(h, false)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))]);
  return { type: g.type, coordinates: polys.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
}

function golden(name: string, value: unknown) {
  const file = path.join(DIR, name);
  const text = `${JSON.stringify(value, null, 1)}\n`;
  if (process.env.TRUCE_UPDATE_GOLDEN === '1') {
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(file, text);
  }
  // a missing golden file fails: written only when asked, then reviewed and checked in
  expect(fs.existsSync(file), `${file} is missing (TRUCE_UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(JSON.parse(text)).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
}

const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const post = async (payload: object) => expect((await t.call('secretariat', { method: 'POST', url: '/api/v1/territories', payload })).statusCode).toBe(201);
  // the government holds a square; Jabhat al-Nusra claims one overlapping its north-east corner;
  // from 10 March the government's square has a hole (a town lost) and a new strip to the east
  await post({ partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-27T00:00:00Z' });
  await post({ partyId: demoId('nusra'), geometry: sq(36.15, 35.15, 36.3, 35.3), validFrom: '2016-02-27T00:00:00Z' });
  await post({
    partyId: demoId('saaf'),
    geometry: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [[36.0, 35.0], [36.2, 35.0], [36.2, 35.2], [36.0, 35.2], [36.0, 35.0]],
          [[36.05, 35.05], [36.05, 35.08], [36.08, 35.08], [36.08, 35.05], [36.05, 35.05]],
        ],
        [[[36.21, 35.0], [36.25, 35.0], [36.25, 35.1], [36.21, 35.1], [36.21, 35.0]]],
      ],
    },
    validFrom: '2016-03-10T00:00:00Z',
  });
});
afterAll(() => t?.close());

describe('golden GeoJSON', () => {
  it('overlaps at 1 March', async () => {
    const fc = (await t.call('analyst', { method: 'GET', url: '/api/v1/territories/overlaps?at=2016-03-01T00:00:00Z' })).json();
    expect(fc.features).toHaveLength(1);
    const f = fc.features[0];
    expect(f.properties.partyIds.sort()).toEqual([demoId('saaf'), demoId('nusra')].sort());
    // 0.05° × 0.05° at 35.175° N: about 4.55 km × 5.55 km
    expect(f.properties.areaKm2).toBeGreaterThan(25.0);
    expect(f.properties.areaKm2).toBeLessThan(25.6);
    golden('overlaps-2016-03-01.geojson', { type: 'Feature', geometry: normalise(f.geometry), properties: { areaKm2: Number(f.properties.areaKm2.toFixed(3)) } });
  });

  it('the government’s gains and losses from 1 to 15 March', async () => {
    const ch = (await t.call('analyst', { method: 'GET', url: `/api/v1/territories/changes?from=2016-03-01T00:00:00Z&to=2016-03-15T00:00:00Z&partyId=${demoId('saaf')}` })).json();
    const saaf = ch.parties.find((p: { partyId: string }) => p.partyId === demoId('saaf'));
    expect(saaf.gainedKm2).toBeGreaterThan(40);
    expect(saaf.lostKm2).toBeGreaterThan(8);
    golden('changes-saaf-2016-03.geojson', {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: normalise(saaf.gained), properties: { change: 'gained', km2: Number(saaf.gainedKm2.toFixed(3)) } },
        { type: 'Feature', geometry: normalise(saaf.lost), properties: { change: 'lost', km2: Number(saaf.lostKm2.toFixed(3)) } },
      ],
    });
  });
});
