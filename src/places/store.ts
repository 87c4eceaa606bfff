// The gazetteer lives in memory (its data are shipped files, not rows). This is the PostGIS
// reference its point lookup is held to, in the equivalence test and the benchmark: the same
// sub-districts in a temporary table with a GiST index, asked with ST_Covers (boundary included,
// as adminAt is).
import type { Db, Queryable } from '../db/db.ts';

export interface ReferenceUnit {
  pcode: string;
  /** GeoJSON text of the unit's (Multi)Polygon. */
  geometry: string;
}

export interface Adm3Reference {
  /** The lowest P-code of the sub-districts covering the point, one statement per point. */
  at(lon: number, lat: number): Promise<string | null>;
  /** The same for many points in one statement. */
  atMany(points: [number, number][]): Promise<(string | null)[]>;
  /** Whether each point lies within m metres (geodesic) of a unit's boundary. */
  nearBoundary(points: [number, number][], m: number): Promise<boolean[]>;
}

/** Runs fn with the units loaded into a temporary table, in one transaction (one connection), then drops it. */
export async function withAdm3Reference<T>(db: Db, units: ReferenceUnit[], fn: (ref: Adm3Reference) => Promise<T>): Promise<T> {
  return db.tx(async (q: Queryable) => {
    await q.query('CREATE TEMPORARY TABLE places_adm3_reference (pcode text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL) ON COMMIT DROP');
    await q.query(
      `INSERT INTO places_adm3_reference (pcode, geom)
       SELECT p, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) FROM unnest($1::text[], $2::text[]) AS u(p, g)`,
      [units.map((u) => u.pcode), units.map((u) => u.geometry)],
    );
    await q.query('CREATE INDEX ON places_adm3_reference USING gist (geom)');
    await q.query('ANALYZE places_adm3_reference');
    return fn({
      async at(lon, lat) {
        const [r] = await q.query<{ pcode: string | null }>(
          'SELECT min(pcode) AS pcode FROM places_adm3_reference WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))',
          [lon, lat],
        );
        return r?.pcode ?? null;
      },
      async atMany(points) {
        const rows = await q.query<{ pcode: string | null }>(
          `SELECT (SELECT min(u.pcode) FROM places_adm3_reference u WHERE ST_Covers(u.geom, p.pt)) AS pcode
             FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)) p
            ORDER BY p.i`,
          [points.map((p) => p[0]), points.map((p) => p[1])],
        );
        return rows.map((r) => r.pcode);
      },
      async nearBoundary(points, m) {
        const rows = await q.query<{ near: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM places_adm3_reference u WHERE ST_DWithin(u.geom, p.pt, 0.01)
                           AND ST_DWithin(ST_Boundary(u.geom)::geography, p.pt::geography, $3)) AS near
             FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)) p
            ORDER BY p.i`,
          [points.map((p) => p[0]), points.map((p) => p[1]), m],
        );
        return rows.map((r) => r.near);
      },
    });
  });
}
