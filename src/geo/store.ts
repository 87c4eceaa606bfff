// The geometry layer's SQL: PostGIS's own verdict on a geometry (it reads no table).
import type { Queryable } from '../db/db.ts';

export interface ValidityDetail {
  valid: boolean;
  reason: string | null;
  /** Where the fault is, when PostGIS says. */
  location: [number, number] | null;
}

/** ST_IsValidDetail of a GeoJSON geometry; null when PostGIS answers no row (PGlite's PostGIS does when GEOS throws). */
export async function validityDetail(q: Queryable, geojson: string): Promise<ValidityDetail | null> {
  const [r] = await q.query(
    `SELECT (d).valid AS valid, (d).reason AS reason, ST_X((d).location) AS x, ST_Y((d).location) AS y
     FROM (SELECT ST_IsValidDetail(ST_GeomFromGeoJSON($1)) AS d) t`,
    [geojson],
  );
  if (!r) return null;
  return { valid: r.valid, reason: r.reason, location: r.x === null ? null : [Number(r.x), Number(r.y)] };
}
