// The world's land borders as borders.ts uses them, read from world-atlas countries-10m.json
// (Natural Earth 1:10m) and packed flat: each polygon part with its state's code, and the coastline
// in short pieces. Pure but for reading the package's file, so a worker thread can run it
// (borders-worker.ts) and hand the typed arrays over without copying.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { numericToAlpha3 } from './countries.ts';
import type { Position } from './shapes.ts';

/** The code of land that is in no state we report. */
export const NO_STATE = '';

// Features world-atlas leaves without an ISO numeric id, mapped to the ISO 3166 state they are part
// of: Somaliland (Somalia), Northern Cyprus and the UN buffer zone (Cyprus), and the UK's sovereign
// base areas on Cyprus. The others stay land of no reported state (Kosovo has no ISO 3166-1 code,
// Siachen and the reefs are disputed, "Indian Ocean Ter." merges CXR and CCK, and so on).
const WITHOUT_ID: Record<string, string> = {
  Somaliland: 'SOM',
  'N. Cyprus': 'CYP',
  'Cyprus U.N. Buffer Zone': 'CYP',
  Akrotiri: 'GBR',
  Dhekelia: 'GBR',
};

export interface CountryFeature {
  iso3: string;
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
}

export function readTopology(): Topology {
  const file = createRequire(import.meta.url).resolve('world-atlas/countries-10m.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
}

/** Every polygon feature; land of no reported state as NO_STATE. */
export function featuresOf(topo: Topology): CountryFeature[] {
  const fc = feature(topo, topo.objects.countries as GeometryCollection);
  const out: CountryFeature[] = [];
  for (const f of fc.features) {
    if (!f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    const iso3 = f.id != null ? numericToAlpha3(f.id) : (WITHOUT_ID[(f.properties as { name?: string } | null)?.name ?? ''] ?? null);
    out.push({ iso3: iso3 ?? NO_STATE, geometry: f.geometry as CountryFeature['geometry'] });
  }
  return out;
}

/** Vertices per coastline piece: short pieces keep the tree's boxes tight. */
const COAST_PIECE = 64;

/**
 * Parts in order, each `partRings[p]` rings long; ring r is `ringLengths[r]` numbers (lon, lat,
 * lon, lat, ...) of `coords`, one after another; coast pieces likewise in `coastCoords`.
 */
export interface DecodedBorders {
  codes: string[];
  partRings: Int32Array;
  ringLengths: Int32Array;
  coords: Float64Array;
  coastLengths: Int32Array;
  coastCoords: Float64Array;
}

export function decodeBorders(topo: Topology = readTopology()): DecodedBorders {
  const codes: string[] = [];
  const partRings: number[] = [];
  const ringLengths: number[] = [];
  const rings: Position[][] = [];
  for (const { iso3, geometry } of featuresOf(topo)) {
    // One part per polygon, so the tree prunes to the island or mainland at hand.
    const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const poly of polys) {
      if (!poly.length || poly[0].length < 4) continue;
      codes.push(iso3);
      partRings.push(poly.length);
      for (const ring of poly) {
        ringLengths.push(2 * ring.length);
        rings.push(ring);
      }
    }
  }
  // The coast: arcs only one feature uses (land next to no other land).
  const pieces: Position[][] = [];
  const lines = mesh(topo, topo.objects.countries as GeometryCollection, (a, b) => a === b).coordinates as Position[][];
  for (const line of lines) for (let i = 0; i < line.length - 1; i += COAST_PIECE) pieces.push(line.slice(i, Math.min(line.length, i + COAST_PIECE + 1)));
  return {
    codes,
    partRings: Int32Array.from(partRings),
    ringLengths: Int32Array.from(ringLengths),
    coords: pack(rings),
    coastLengths: Int32Array.from(pieces, (p) => 2 * p.length),
    coastCoords: pack(pieces),
  };
}

function pack(paths: Position[][]): Float64Array {
  const out = new Float64Array(paths.reduce((n, p) => n + 2 * p.length, 0));
  let o = 0;
  for (const p of paths) {
    for (const [x, y] of p) {
      out[o++] = x;
      out[o++] = y;
    }
  }
  return out;
}
