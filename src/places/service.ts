// The gazetteer's rules: one index per process and data folder, built on first use; what a
// query may be.
import type { Config } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { readSources, type PlaceSettings } from './data.ts';
import { Gazetteer, type Candidate, type PlaceKind } from './gazetteer.ts';
import { nameKey } from './normalise.ts';

export type { PlaceSettings } from './data.ts';

export function placeSettings(config: Config): PlaceSettings {
  return { placesDir: config.placesDir, adminUnitsFile: config.adminUnitsFile, townsRadiusKm: config.placesTownsRadiusKm, sameKm: config.placesSameKm };
}

const loaded = new Map<string, Promise<Gazetteer>>();

/** The gazetteer of these settings: read and indexed once (about a second), then shared. */
export function gazetteer(s: PlaceSettings): Promise<Gazetteer> {
  const k = JSON.stringify([s.placesDir, s.adminUnitsFile, s.townsRadiusKm, s.sameKm]);
  let g = loaded.get(k);
  if (!g) {
    g = readSources(s).then((src) => new Gazetteer(src));
    g.catch(() => loaded.delete(k)); // a missing file is retried, not remembered as a failure
    loaded.set(k, g);
  }
  return g;
}

export async function searchPlaces(s: PlaceSettings, q: { q: string; limit: number; kind?: PlaceKind }): Promise<Candidate[]> {
  // Checked before the index loads: a query of punctuation alone is the caller's mistake, whatever the data.
  if (!nameKey(q.q).key) throw new ApiError('VALIDATION_FAILED', 'q has no letter or digit to search for.', 'q');
  return (await gazetteer(s)).search(q.q, { limit: q.limit, kinds: q.kind ? [q.kind] : undefined });
}
