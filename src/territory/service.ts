// The write rules of territory versions: a geometry PostGIS accepts, a known party, and for the
// bulk forms all of it or nothing (the caller's transaction rolls back on the first refusal).
import { checkGeometry, type Geometry } from '../geo/geojson.ts';
import { ApiError } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import { getParty } from '../parties/lookup.ts';
import { adminUnits, unitsOf } from './adm3.ts';
import type { BulkFeatures, BulkPcodes, TerritoryCreate } from './schemas.ts';
import type { GeoSettings } from './settings.ts';
import * as store from './store.ts';

interface VersionIn {
  partyId: string;
  validFrom: string;
  source?: string | null;
  note?: string | null;
}

/** Where each input sits in the body, so a refusal names the exact field. */
interface Paths {
  partyId: string;
  geometry: string;
}

async function checkParty(w: Writer, partyId: string, field: string) {
  if (!(await getParty(w.q, partyId))) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${partyId}.`, field);
}

async function insert(w: Writer, v: VersionIn, area: store.AreaSource, pcodes: string[] = []): Promise<store.TerritoryRecord> {
  const t = await store.insertTerritory(
    w.q,
    { partyId: v.partyId, validFrom: new Date(v.validFrom), source: v.source ?? null, note: v.note ?? null, pcodes },
    area,
    w.actor.accountId,
  );
  w.record('territory.recorded', 'territory', t.row);
  return t;
}

async function addDrawn(w: Writer, v: VersionIn, geometry: Geometry, at: Paths, s: GeoSettings): Promise<store.TerritoryRecord> {
  await checkGeometry(w.q, geometry, at.geometry, s.maxVertices);
  await checkParty(w, v.partyId, at.partyId);
  return insert(w, v, { geojson: JSON.stringify({ type: geometry.type, coordinates: geometry.coordinates }) });
}

/** A new version of one party's area; it replaces the previous one from its validFrom. */
export function recordTerritory(w: Writer, b: TerritoryCreate, s: GeoSettings): Promise<store.TerritoryRecord> {
  return addDrawn(w, b, b.geometry as Geometry, { partyId: 'partyId', geometry: 'geometry' }, s);
}

/** One version per feature. Two features for the same party and time would leave only the second in force: refused. */
export async function recordFeatures(w: Writer, b: BulkFeatures, s: GeoSettings): Promise<store.TerritoryRecord[]> {
  const seen = new Map<string, number>();
  for (const [i, f] of b.features.entries()) {
    const key = `${f.properties.partyId}|${new Date(f.properties.validFrom).getTime()}`;
    if (seen.has(key)) {
      throw new ApiError(
        'INCONSISTENT',
        `Features ${seen.get(key)} and ${i} both give this party's area from the same time; send one MultiPolygon instead.`,
        `features.${i}.properties.partyId`,
      );
    }
    seen.set(key, i);
  }
  const out = [];
  for (const [i, f] of b.features.entries()) {
    out.push(await addDrawn(w, f.properties, f.geometry as Geometry, { partyId: `features.${i}.properties.partyId`, geometry: `features.${i}.geometry` }, s));
  }
  return out;
}

/** A version built as the union of administrative units named by P-code (a district or governorate code names all its units). */
export async function recordFromPcodes(w: Writer, b: BulkPcodes, s: GeoSettings): Promise<store.TerritoryRecord> {
  const units = await adminUnits(s.adminUnitsFile);
  const picked = new Map<string, string>();
  for (const [i, code] of b.pcodes.entries()) {
    const found = unitsOf(units, code);
    if (!found.length) throw new ApiError('UNKNOWN_REFERENCE', `No administrative unit has the P-code ${code}.`, `pcodes.${i}`);
    for (const u of found) picked.set(u.pcode, u.geometry);
  }
  await checkParty(w, b.partyId, 'partyId');
  const codes = [...picked.keys()].sort();
  return insert(w, b, { union: codes.map((c) => picked.get(c)!) }, codes);
}
