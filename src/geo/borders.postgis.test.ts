// The golden cases of borders.golden.json, decided again by PostGIS over the same Natural Earth
// features (geography distances on the WGS 84 spheroid): a point lies in the states whose land is
// within 12 nm of it and nearest (0 on land: ST_Contains agrees); a disc or polygon meets the
// states whose land it meets (ST_DWithin / ST_Intersects), plus those whose sea holds one of its
// points on a 300 m grid, each decided by the point rule. An independent check of the expected
// answers, written by hand, and of statesMeeting's reading of them.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { countryFeatures, TERRITORIAL_SEA_M } from './borders.ts';
import type { Position } from './shapes.ts';

interface GoldenCase {
  name: string;
  target: { type: 'Point'; coordinates: Position } | { type: 'Polygon'; coordinates: Position[][] };
  radiusM?: number;
  states: string[];
}
const cases = (JSON.parse(fs.readFileSync(new URL('./borders.golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] }).cases;

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  // only the countries near the cases, cut to a box more than 100 km from every case (the 10m world
  // is large; the cut adds edges, but none within 12 nm of a case, so no answer changes)
  await t.db.exec('CREATE TABLE gb_countries (iso3 text, geom geometry(MultiPolygon, 4326), geog geography)');
  for (const f of countryFeatures()) {
    const xs = JSON.stringify(f.geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g)!.map(Number);
    let near = false;
    for (let i = 0; i < xs.length && !near; i += 2) near = xs[i] > 33 && xs[i] < 40 && xs[i + 1] > 31 && xs[i + 1] < 38.5;
    if (near) await t.db.query('INSERT INTO gb_countries (iso3, geom) VALUES ($1, ST_Multi(ST_CollectionExtract(ST_ClipByBox2D(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), ST_MakeEnvelope(33, 31, 40, 38.5, 4326)), 3)))', [f.iso3, JSON.stringify(f.geometry)]);
  }
  await t.db.exec('UPDATE gb_countries SET geog = geom::geography; CREATE INDEX ON gb_countries USING gist (geom); ANALYZE gb_countries');
}, 300_000);
afterAll(() => t?.drop());

/** The point rule at each of the given points (a table p(id, g geometry)): nearest land within 12 nm. */
const pointRule = `
  d AS (SELECT p.id, k.iso3, ST_Distance(k.geog, p.g::geography) AS d FROM p JOIN gb_countries k ON ST_DWithin(k.geog, p.g::geography, ${TERRITORIAL_SEA_M})),
  m AS (SELECT id, min(d) AS d FROM d GROUP BY id)
  SELECT DISTINCT d.iso3 FROM d JOIN m ON m.id = d.id AND d.d <= m.d`;

async function postgisStates(c: GoldenCase): Promise<string[]> {
  const g = JSON.stringify(c.target);
  const r = c.radiusM ?? 0;
  let rows: { iso3: string }[];
  if (c.target.type === 'Point' && r === 0) {
    rows = await t.db.query(`WITH p AS (SELECT 1 AS id, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g), ${pointRule}`, [g]);
    // on land, ST_Contains names the same state
    const [land] = await t.db.query(`SELECT array_agg(iso3 ORDER BY iso3) AS s FROM gb_countries WHERE ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))`, [g]);
    if (land.s) expect(land.s, `${c.name}: ST_Intersects`).toEqual(rows.map((x) => x.iso3).sort());
  } else {
    // the target, and a 300 m grid of points in it (about 0.0027 deg of latitude, 0.0033 of longitude here)
    rows = await t.db.query(
      `WITH a AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g, $2::float8 AS r),
       box AS (SELECT CASE WHEN a.r > 0 THEN ST_Expand(a.g, a.r / 90000.0) ELSE a.g END AS b FROM a),
       p AS (
         SELECT row_number() OVER () AS id, q.g FROM a, box,
           generate_series(0, ceil((ST_XMax(box.b) - ST_XMin(box.b)) / 0.0033)::int) i,
           generate_series(0, ceil((ST_YMax(box.b) - ST_YMin(box.b)) / 0.0027)::int) j,
           LATERAL (SELECT ST_SetSRID(ST_MakePoint(ST_XMin(box.b) + i * 0.0033, ST_YMin(box.b) + j * 0.0027), 4326) AS g) q
         WHERE CASE WHEN a.r > 0 THEN ST_DWithin(q.g::geography, a.g::geography, a.r) ELSE ST_Intersects(q.g, a.g) END
       ),
       ${pointRule}
       UNION SELECT k.iso3 FROM gb_countries k, a
         WHERE CASE WHEN a.r > 0 THEN ST_DWithin(k.geog, a.g::geography, a.r) ELSE ST_Intersects(k.geom, a.g) END`,
      [g, r],
    );
  }
  return rows.map((x) => x.iso3).sort();
}

describe('the golden border cases, decided by PostGIS', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await postgisStates(c)).toEqual(c.states);
  }, 120_000);
});
