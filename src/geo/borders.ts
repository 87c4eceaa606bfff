// Which states a target lies in, from the Natural Earth 1:50m borders that ship with world-atlas
// (countries-50m.json). Loaded and prepared once, on first use.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Flatbush from 'flatbush';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { numericToAlpha3 } from './countries.ts';
import { metresToDegrees } from './geodesy.ts';
import { PreparedArea, type Position } from './shapes.ts';

// Features world-atlas leaves without an ISO numeric id. Two are parts of an ISO 3166 state; the
// others are skipped (Kosovo has no ISO 3166-1 code, Siachen is disputed, and "Indian Ocean Ter."
// merges two ISO entities, CXR and CCK).
const WITHOUT_ID: Record<string, string> = { Somaliland: 'SOM', 'N. Cyprus': 'CYP' };

interface Part {
  code: string;
  area: PreparedArea;
}

let features: CountryFeature[] | null = null;
let loaded: { parts: Part[]; tree: Flatbush } | null = null;

export interface CountryFeature {
  iso3: string;
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
}

/** The countries as statesMeeting sees them (world-atlas features with an ISO code), e.g. to load the same borders into PostGIS. */
export function countryFeatures(): CountryFeature[] {
  if (features) return features;
  const file = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
  const topo = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  const fc = feature(topo, topo.objects.countries as GeometryCollection);
  features = [];
  for (const f of fc.features) {
    const iso3 = f.id != null ? numericToAlpha3(f.id) : (WITHOUT_ID[(f.properties as { name?: string } | null)?.name ?? ''] ?? null);
    if (!iso3 || !f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    features.push({ iso3, geometry: f.geometry as CountryFeature['geometry'] });
  }
  return features;
}

function load(): { parts: Part[]; tree: Flatbush } {
  if (loaded) return loaded;
  const parts: Part[] = [];
  for (const { iso3: code, geometry } of countryFeatures()) {
    // One prepared area per polygon part, so the tree prunes to the island or mainland at hand.
    const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const rings of polys) if (rings.length && rings[0].length >= 4) parts.push({ code, area: new PreparedArea([rings]) });
  }
  const tree = new Flatbush(parts.length);
  for (const p of parts) tree.add(p.area.bbox.minX, p.area.bbox.minY, p.area.bbox.maxX, p.area.bbox.maxY);
  tree.finish();
  loaded = { parts, tree };
  return loaded;
}

export type BorderTarget = { type: 'point'; lon: number; lat: number; radiusM: number } | { type: 'area'; area: PreparedArea };

/** ISO alpha-3 codes (sorted) of the states the target meets: a point (or the disc of radiusM around it), or an area. */
export function statesMeeting(shape: BorderTarget): string[] {
  const { parts, tree } = load();
  const found = new Set<string>();
  if (shape.type === 'point') {
    const { lon, lat } = shape;
    const r = Math.max(0, shape.radiusM || 0);
    const { dLon, dLat } = metresToDegrees(lat, r);
    for (const i of tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const p = parts[i];
      if (found.has(p.code)) continue;
      if (p.area.contains(lon, lat) || (r > 0 && p.area.withinM(lon, lat, r))) found.add(p.code);
    }
  } else {
    const b = shape.area.bbox;
    for (const i of tree.search(b.minX, b.minY, b.maxX, b.maxY)) {
      const p = parts[i];
      if (!found.has(p.code) && p.area.intersectsArea(shape.area)) found.add(p.code);
    }
  }
  return [...found].sort();
}

/** The state a point lies in (on a border, the first code in alphabetical order), or null at sea / outside any. */
export function stateAt(lon: number, lat: number): string | null {
  return statesMeeting({ type: 'point', lon, lat, radiusM: 0 })[0] ?? null;
}
