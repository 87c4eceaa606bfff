// What other capabilities may read of places: through here. The gazetteer is in memory and its
// data public (place names and OCHA units), so these need no principal.
import { loadConfig } from '../config.ts';
import type { AdminAt, Place, Resolution } from './gazetteer.ts';
import { gazetteer, placeSettings, type PlaceSettings } from './service.ts';
import { readAdminAreas, type AdminArea } from './data.ts';

export type { AdminAt, AdminRef, Candidate, Place, PlaceKind, Resolution } from './gazetteer.ts';
export { placeSettings, type PlaceSettings } from './service.ts';

let defaults: PlaceSettings | undefined;
const settingsOr = (s?: PlaceSettings) => s ?? (defaults ??= placeSettings(loadConfig()));

/**
 * What a place name means: `{ match }` when it is unambiguous, else `{ candidates }` ranked (none
 * when nothing is like it). Unambiguous: the places named exactly so (or, when none is, by a
 * variant spelling) are one place at several levels, i.e. the most precise of them lies within
 * every unit among them and within `placesSameKm` of every other town; see Gazetteer.resolve.
 */
export async function resolvePlace(name: string, s?: PlaceSettings): Promise<Resolution> {
  return (await gazetteer(settingsOr(s))).resolve(name);
}

/** The OCHA governorate, district and sub-district holding a point (nulls outside them). */
export async function adminAt(lon: number, lat: number, s?: PlaceSettings): Promise<AdminAt> {
  return (await gazetteer(settingsOr(s))).adminAt(lon, lat);
}

/** The same two, synchronous, for hot paths (enriching a batch of reports): load once, call many times. */
export async function loadPlaces(s?: PlaceSettings): Promise<{ resolvePlace(name: string): Resolution; adminAt(lon: number, lat: number): AdminAt; search(q: string, limit?: number): Place[] }> {
  const g = await gazetteer(settingsOr(s));
  return { resolvePlace: (name) => g.resolve(name), adminAt: (lon, lat) => g.adminAt(lon, lat), search: (q, limit = 10) => g.search(q, { limit }) };
}

export type { AdminArea } from './data.ts';
const areasLoaded = new Map<string, Promise<AdminArea[]>>();
/** Every OCHA governorate, district and sub-district with its geometry, read once (public reference data), in P-code order. */
export function adminAreas(s?: PlaceSettings): Promise<AdminArea[]> {
  const settings = settingsOr(s);
  const key = JSON.stringify([settings.placesDir, settings.adminUnitsFile]);
  let p = areasLoaded.get(key);
  if (!p) {
    p = readAdminAreas(settings);
    p.catch(() => areasLoaded.delete(key)); // a missing file is retried, not cached as a failure
    areasLoaded.set(key, p);
  }
  return p;
}
