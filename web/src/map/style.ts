import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';

// The base map's style, kept free of browser and MapLibre runtime imports so tests can
// read the same colours the map draws with.

export const ATTRIBUTION = 'Boundaries: OCHA / UNCS (CC BY 3.0 IGO); borders: Natural Earth';
export const SYRIA_CENTER: [number, number] = [38.5, 35];
export const SYRIA_ZOOM = 6;
/** The country's box, [[west, south], [east, north]]: what a narrow screen opens on. */
export const SYRIA_BOUNDS: [[number, number], [number, number]] = [[35.6, 32.3], [42.4, 37.4]];

/** Base-map colours; the browser test looks for some of them on the canvas. */
export const COLORS = {
  sea: '#c5d3dd',
  land: '#eeece7',
  countryLine: '#8c949c',
  governorateFill: '#fbf4df',
  governorateLine: '#b4462b',
  nationalLine: '#6e2a17',
  subdistrictLine: '#c8b494',
  hover: '#1f5fa8',
  place: '#27313d',
} as const;

// Absolute URLs: MapLibre fetches GeoJSON in its worker, which may not share our base URL.
const ref = (base: string, path: string): string => new URL(`/reference/syria/${path}`, base).href;

/** The whole style is local: no tiles, glyphs or sprites from anywhere, hence no text layers. */
export function buildStyle(countries: FeatureCollection, baseUrl: string): StyleSpecification {
  return {
    version: 8,
    name: 'truce base',
    sources: {
      countries: { type: 'geojson', data: countries },
      adm0: { type: 'geojson', data: ref(baseUrl, 'adm0.geojson') },
      adm1: { type: 'geojson', data: ref(baseUrl, 'adm1.geojson') },
      adm3: { type: 'geojson', data: ref(baseUrl, 'adm3.geojson'), generateId: true },
      places: { type: 'geojson', data: ref(baseUrl, 'places.geojson') },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.sea } },
      { id: 'countries-fill', type: 'fill', source: 'countries', paint: { 'fill-color': COLORS.land } },
      { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': COLORS.countryLine, 'line-width': 0.8 } },
      { id: 'syria-adm1-fill', type: 'fill', source: 'adm1', paint: { 'fill-color': COLORS.governorateFill, 'fill-opacity': 0.9 } },
      // Transparent fill: makes sub-districts hoverable anywhere inside, not just on their edges.
      { id: 'syria-adm3-fill', type: 'fill', source: 'adm3', paint: { 'fill-color': '#000000', 'fill-opacity': 0 } },
      {
        id: 'syria-adm3-line',
        type: 'line',
        source: 'adm3',
        paint: { 'line-color': COLORS.subdistrictLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.3, 8, 0.8, 12, 1.2] },
      },
      {
        id: 'syria-adm3-hover',
        type: 'line',
        source: 'adm3',
        paint: {
          'line-color': COLORS.hover,
          'line-width': 2,
          'line-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0],
        },
      },
      {
        id: 'syria-adm1-line',
        type: 'line',
        source: 'adm1',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': COLORS.governorateLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 1.2, 6, 2, 10, 3] },
      },
      {
        id: 'syria-adm0-line',
        type: 'line',
        source: 'adm0',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': COLORS.nationalLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 1.8, 6, 2.8, 10, 4] },
      },
      {
        id: 'syria-places',
        type: 'circle',
        source: 'places',
        minzoom: 6,
        paint: {
          'circle-color': COLORS.place,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 1.6, 9, 3.5],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 6, 0.5, 9, 1],
        },
      },
    ],
  };
}

/**
 * Territory fill colours by the party's status at the map's time; the browser tests sample them.
 * Cool hues and greys only: the warm side (red, amber, green) belongs to the vetting decisions, so
 * ground never wears a decision's colour (committed ground was green, "permitted"'s colour, though
 * a strike there is prohibited). Committed and designated also differ in lightness, which survives
 * red-green colour blindness; withdrawn or suspended is a dark grey, not committed a light one (both
 * ask for review); the hover readout and the legend say the status in words.
 */
export const TERRITORY_COLORS = {
  committed: '#2b8fc7',
  designated: '#7d2f86',
  withdrawn: '#5f5868',
  suspended: '#5f5868',
  not_committed: '#7b8694',
} as const;
export const TERRITORY_FILL_OPACITY = 0.45;

/** The operational overlays: overlaps (hatched), protected sites, corridors, vetting targets, changes. */
export const OVERLAY_COLORS = {
  overlapHatch: '#3b2470',
  site: '#0b6fb8',
  siteBuffer: '#0b6fb8',
  corridor: '#7a3fb8',
  target: '#1f2a44',
  gained: '#1c64d1',
  lost: '#e8590c',
} as const;

/**
 * Vetting decisions: the banner (styles.css's .decision-*, held equal by test/browser/palette.test.ts)
 * and the target on the map share these; each carries white text at 4.5:1 or more. Pending is the
 * target's ink before a decision.
 */
export const DECISION_COLORS = {
  prohibited: '#b42318',
  review: '#a86400',
  permitted: '#1d7a3e',
  pending: OVERLAY_COLORS.target,
} as const;

/** The target's halo: white under its outline and in its stripes, so it stands out on any fill. */
export const TARGET_HALO = '#ffffff';
