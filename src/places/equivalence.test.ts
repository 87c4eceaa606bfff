// adminAt (the in-memory R-tree and point-in-polygon) against PostGIS, the reference: seeded
// points over Syria and around it, every OCHA seat, and points 2-20 m off the sub-districts'
// vertices (where edges are). The sub-district must be the same, apart from points within 1 m
// of a boundary, which are counted and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { rng } from '../../test/support/random.ts';
import { testConfig } from '../../test/support/app.ts';
import { adminUnits } from '../territory/lookup.ts';
import { loadPlaces, placeSettings } from './lookup.ts';
import { withAdm3Reference } from './store.ts';

const N = Number(process.env.TRUCE_EQUIVALENCE_POINTS ?? 3000);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t?.drop());

describe('adminAt = PostGIS ST_Covers', () => {
  it(`the same sub-district for ${N} random points, the seats and points beside the edges`, async () => {
    const settings = placeSettings(testConfig());
    const places = await loadPlaces(settings);
    const units = await adminUnits(settings.adminUnitsFile);
    const rand = rng(20160227);
    const points: [number, number][] = [];
    for (let i = 0; i < N; i++) points.push([35.3 + 7.4 * rand(), 32.1 + 5.4 * rand()]);
    for (const p of places.search('a', 50)) points.push([p.lon, p.lat]);
    // beside the edges: a vertex of a random unit, moved 2-20 m in a random direction
    for (let i = 0; i < N / 3; i++) {
      const g = JSON.parse(units[Math.floor(rand() * units.length)].geometry);
      const ring: number[][] = (g.type === 'Polygon' ? g.coordinates : g.coordinates[0])[0];
      const [x, y] = ring[Math.floor(rand() * ring.length)];
      const d = (2 + 18 * rand()) / 111_000;
      const a = 2 * Math.PI * rand();
      points.push([x + (d * Math.cos(a)) / Math.cos((y * Math.PI) / 180), y + d * Math.sin(a)]);
    }

    const units3 = units.map((u) => ({ pcode: u.pcode, geometry: u.geometry }));
    const { reference, near } = await withAdm3Reference(t.db, units3, async (ref) => {
      const want = await ref.atMany(points);
      const odd = points.filter(([lon, lat], i) => places.adminAt(lon, lat).adm3?.code !== (want[i] ?? undefined));
      return { reference: want, near: new Map((await ref.nearBoundary(odd, 1)).map((b, k) => [odd[k], b])) };
    });
    let inside = 0;
    let nearEdge = 0;
    const differ: string[] = [];
    points.forEach((p, i) => {
      const mine = places.adminAt(p[0], p[1]);
      if (reference[i]) inside++;
      if (mine.adm3?.code === (reference[i] ?? undefined)) return;
      if (near.get(p)) nearEdge++;
      else differ.push(`(${p[0]}, ${p[1]}): ${mine.adm3?.code ?? 'none'} here, ${reference[i] ?? 'none'} in PostGIS`);
    });
    console.log(`adminAt vs PostGIS: ${points.length} points, ${inside} in a unit, ${differ.length} differ, ${nearEdge} within 1 m of an edge`);
    expect(differ).toEqual([]);
    expect(inside).toBeGreaterThan(points.length / 3);
    expect(nearEdge).toBeLessThan(points.length / 200);
  }, 300_000);
});
