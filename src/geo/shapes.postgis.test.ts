// The geometry kernel against the reference: PostGIS `geography` ST_Distance (spheroid) and
// `geometry` ST_Intersects, on ~2,000 seeded random (point, polygon | line) pairs around Syria.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { PreparedArea, PreparedLine, type Position } from './shapes.ts';
import { rng } from '../../test/support/random.ts';


interface Case {
  kind: 'polygon' | 'line';
  coords: Position[][] | Position[];
  x: number;
  y: number;
}

/** A simple star-shaped polygon (angles increasing around the centre), a hole in a quarter of them. */
function polygon(r: () => number, cx: number, cy: number): Position[][] {
  const n = 5 + Math.floor(r() * 196);
  const rad = 0.01 + r() * 0.29;
  const angles = Array.from({ length: n }, () => r() * 2 * Math.PI).sort((a, b) => a - b);
  const shell: Position[] = angles.map((a) => {
    const d = rad * (0.5 + 0.5 * r());
    return [cx + d * Math.cos(a), cy + d * Math.sin(a)];
  });
  shell.push(shell[0]);
  const rings = [shell];
  if (r() < 0.25) {
    const hr = rad * 0.3;
    const k = 3 + Math.floor(r() * 10);
    const hole: Position[] = Array.from({ length: k }, (_, i) => [cx + hr * Math.cos((2 * Math.PI * i) / k), cy + hr * Math.sin((2 * Math.PI * i) / k)] as Position);
    hole.push(hole[0]);
    rings.push(hole);
  }
  return rings;
}

function line(r: () => number, cx: number, cy: number): Position[] {
  const n = 2 + Math.floor(r() * 19);
  const pts: Position[] = [[cx, cy]];
  for (let i = 1; i < n; i++) {
    const a = r() * 2 * Math.PI;
    const step = 0.005 + r() * 0.095;
    const [x, y] = pts[i - 1];
    pts.push([x + step * Math.cos(a), y + step * Math.sin(a)]);
  }
  return pts;
}

function cases(count: number, seed: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const cx = 35 + r() * 7;
    const cy = 32 + r() * 5.5;
    const kind = r() < 0.6 ? 'polygon' : 'line';
    const coords = kind === 'polygon' ? polygon(r, cx, cy) : line(r, cx, cy);
    const flat = (kind === 'polygon' ? (coords as Position[][])[0] : (coords as Position[])) as Position[];
    const xs = flat.map((p) => p[0]);
    const ys = flat.map((p) => p[1]);
    // Up to ~50 km (0.45°) outside the geometry's box; some within ~200 m of an edge (where planar and
    // great-circle edges part), a few exactly on a vertex.
    let x: number;
    let y: number;
    const pick = r();
    if (pick < 0.03) [x, y] = flat[Math.floor(r() * flat.length)];
    else if (pick < 0.2) {
      const k = Math.floor(r() * (flat.length - 1));
      const [ax, ay] = flat[k];
      const [bx, by] = flat[k + 1];
      const f = r();
      const len = Math.hypot(bx - ax, by - ay) || 1;
      const off = (r() - 0.5) * 0.004;
      x = ax + f * (bx - ax) - (off * (by - ay)) / len;
      y = ay + f * (by - ay) + (off * (bx - ax)) / len;
    } else {
      const m = r() * 0.45;
      x = Math.min(...xs) - m + r() * (Math.max(...xs) - Math.min(...xs) + 2 * m);
      y = Math.min(...ys) - m + r() * (Math.max(...ys) - Math.min(...ys) + 2 * m);
    }
    out.push({ kind, coords, x, y });
  }
  return out;
}

/** Planar distance in degrees from (x, y) to the nearest edge, to skip contains cases on a boundary. */
function planarEdgeDistance(rings: Position[][], x: number, y: number): number {
  let best = Infinity;
  for (const ring of rings)
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[i + 1];
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
    }
  return best;
}

describe('shapes versus PostGIS', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('distanceM matches geography ST_Distance and contains matches geometry ST_Intersects on 2,000 random pairs', async () => {
    const all = cases(2000, 20161219);
    const ref: { d: number; hit: boolean }[] = [];
    for (let s = 0; s < all.length; s += 500) {
      const batch = all.slice(s, s + 500);
      const rows = await t.db.query<{ i: number; d: number; hit: boolean }>(
        `SELECT i, ST_Distance(ST_GeomFromGeoJSON(g)::geography, ST_SetSRID(ST_MakePoint(x, y), 4326)::geography) AS d,
                ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), ST_SetSRID(ST_MakePoint(x, y), 4326)) AS hit
           FROM unnest($1::int[], $2::text[], $3::float8[], $4::float8[]) AS c(i, g, x, y) ORDER BY i`,
        [
          batch.map((_, i) => s + i),
          batch.map((c) => JSON.stringify({ type: c.kind === 'polygon' ? 'Polygon' : 'LineString', coordinates: c.coords })),
          batch.map((c) => c.x),
          batch.map((c) => c.y),
        ],
      );
      for (const row of rows) ref[row.i] = { d: Number(row.d), hit: row.hit };
    }

    let maxErr = 0;
    let maxRel = 0;
    let compared = 0;
    let planarSphereDisagreements = 0;
    let maxDisagreementM = 0;
    let containsChecked = 0;
    let containsSkipped = 0;
    const failures: string[] = [];
    all.forEach((c, i) => {
      const { d: pg, hit } = ref[i];
      if (c.kind === 'polygon') {
        const rings = c.coords as Position[][];
        const a = new PreparedArea([rings]);
        if (planarEdgeDistance(rings, c.x, c.y) <= 1e-9) containsSkipped++;
        else {
          containsChecked++;
          if (a.contains(c.x, c.y) !== hit) failures.push(`contains #${i} (${c.x}, ${c.y}): ${!hit} vs PostGIS ${hit}`);
        }
        const ours = a.distanceM(c.x, c.y);
        // Planar "inside" and geography's spherical "inside" differ in the sliver between a straight
        // lon/lat edge and its great-circle arc (metres wide): both are near zero there.
        if ((ours === 0) !== (pg === 0)) {
          planarSphereDisagreements++;
          maxDisagreementM = Math.max(maxDisagreementM, ours, pg);
          if (Math.max(ours, pg) > 50) failures.push(`distance #${i}: ${ours} vs PostGIS ${pg} (inside/outside disagreement too far from an edge)`);
          return;
        }
        compare(ours, pg, i);
      } else {
        compare(new PreparedLine(c.coords as Position[]).distanceM(c.x, c.y), pg, i);
      }
    });

    function compare(ours: number, pg: number, i: number) {
      compared++;
      const err = Math.abs(ours - pg);
      maxErr = Math.max(maxErr, err);
      if (pg > 0) maxRel = Math.max(maxRel, err / pg);
      if (err > Math.max(0.05, 1e-6 * pg)) failures.push(`distance #${i} (${all[i].kind}): ${ours} vs PostGIS ${pg}`);
    }

    console.log(
      `[geo vs PostGIS ${t.db.engine}] ${compared} distances: max |error| ${maxErr.toExponential(2)} m, max relative ${maxRel.toExponential(2)}; ` +
        `${planarSphereDisagreements} planar/spherical inside disagreements (all within ${maxDisagreementM.toFixed(2)} m); ` +
        `contains: ${containsChecked} checked, ${containsSkipped} skipped on an edge`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(1500);
    expect(containsChecked).toBeGreaterThan(1000);
  });
});
