// TEMPORARY: the gazetteer's two answers intake needs, until src/places/lookup.ts (H3, branch
// i9-places) lands with `adminAt` and `resolvePlace`; then enrich.ts imports those and this
// file goes. Point in sub-district over the shipped OCHA boundaries; place names matched
// exactly after folding case, accents and hyphens.
import fs from 'node:fs';
import path from 'node:path';
import Flatbush from 'flatbush';
import type { Config } from '../config.ts';
import { PreparedArea, type Position } from '../geo/shapes.ts';
import { adminUnits, type AdminUnit } from '../territory/lookup.ts';
import type { Gazetteer, PlaceMatch } from './enrich.ts';
import type { Unit } from './summary.ts';

const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f'’‘`ʿʾ\-\s]/g, '');

async function names(file: string): Promise<Map<string, string>> {
  if (!fs.existsSync(file)) return new Map();
  return new Map((await adminUnits(file)).map((u) => [u.pcode, u.name]));
}

export async function interimGazetteer(config: Config): Promise<Gazetteer> {
  const units = await adminUnits(config.adminUnitsFile);
  const dir = path.dirname(config.adminUnitsFile);
  const adm1 = await names(path.join(dir, 'adm1.geojson'));
  const adm2 = await names(path.join(dir, 'adm2.geojson'));
  const areas = units.map((u) => {
    const g = JSON.parse(u.geometry) as { type: string; coordinates: unknown };
    return new PreparedArea((g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][]);
  });
  const index = new Flatbush(Math.max(1, areas.length));
  for (const a of areas) index.add(a.bbox.minX, a.bbox.minY, a.bbox.maxX, a.bbox.maxY);
  if (!areas.length) index.add(0, 0, 0, 0);
  index.finish();
  const unit = (code: string | null, name: string | undefined): Unit | null => (code ? { code, name: name ?? code } : null);
  const unitsOf = (u: AdminUnit) => ({ adm1: unit(u.adm1Pcode, adm1.get(u.adm1Pcode ?? '')), adm2: unit(u.adm2Pcode, adm2.get(u.adm2Pcode ?? '')), adm3: unit(u.pcode, u.name) });

  const places = new Map<string, PlaceMatch[]>();
  const add = (name: string | null, m: PlaceMatch) => {
    if (!name) return;
    const k = fold(name);
    const list = places.get(k) ?? [];
    if (!list.some((x) => x.pcode === m.pcode && x.name === m.name)) list.push(m);
    places.set(k, list);
  };
  units.forEach((u, i) => {
    const b = areas[i].bbox;
    const m = { name: u.name, pcode: u.pcode, lon: (b.minX + b.maxX) / 2, lat: (b.minY + b.maxY) / 2, level: 'adm3' as const };
    add(u.name, m);
    add(u.nameAr, m);
  });
  const placesFile = path.join(dir, 'places.geojson');
  if (fs.existsSync(placesFile)) {
    for (const f of JSON.parse(fs.readFileSync(placesFile, 'utf8')).features as any[]) {
      const [lon, lat] = f.geometry.coordinates;
      const m = { name: String(f.properties.name), pcode: f.properties.adm3_pcode ?? null, lon, lat, level: 'place' as const };
      add(f.properties.name, m);
      add(f.properties.name_ar, m);
    }
  }

  return {
    adminAt(lon, lat) {
      for (const i of index.search(lon, lat, lon, lat)) if (areas[i]?.contains(lon, lat)) return unitsOf(units[i]);
      return { adm1: null, adm2: null, adm3: null };
    },
    resolvePlace(name) {
      const found = places.get(fold(name)) ?? [];
      // a town and its sub-district of one name are one place: the town is the finer answer
      const towns = found.filter((m) => m.level === 'place');
      const distinct = towns.length ? towns : found;
      return distinct.length === 1 ? { match: distinct[0] } : { candidates: distinct };
    },
  };
}
