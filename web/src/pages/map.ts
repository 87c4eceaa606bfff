import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import { MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl, type MapGeoJSONFeature } from 'maplibre-gl';
// The worker is a separate file in MapLibre 6; after bundling, its default lookup
// (next to the main module) no longer holds, so point it at the emitted asset.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Natural Earth country borders, shipped with the app as a hashed static asset.
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { ATTRIBUTION, buildStyle, COLORS, SYRIA_CENTER, SYRIA_ZOOM } from '../map/style.ts';
import { h, replace } from '../ui/dom.ts';
import type { Page } from './page.ts';

declare global {
  interface Window {
    /** The live map, for tests and for debugging from the console. */
    __truceMap?: MapLibreMap;
  }
}

setWorkerUrl(workerUrl);

async function loadCountries(): Promise<FeatureCollection> {
  const res = await fetch(countriesUrl);
  if (!res.ok) throw new Error(`country borders: HTTP ${res.status}`);
  const topo = (await res.json()) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return feature(topo, topo.objects.countries);
}

function legend(): HTMLElement {
  const item = (swatch: HTMLElement, label: string): HTMLElement => h('li', {}, swatch, label);
  const line = (color: string, width: number): HTMLElement => h('span', { class: 'swatch-line', style: `border-top: ${width}px solid ${color}` });
  return h(
    'div',
    { class: 'map-panel map-legend', 'aria-label': 'Legend' },
    h('div', { class: 'panel-title' }, 'Boundaries'),
    h(
      'ul',
      {},
      item(line(COLORS.nationalLine, 3), 'National border (Syria)'),
      item(line(COLORS.governorateLine, 2), 'Governorate'),
      item(line(COLORS.subdistrictLine, 1), 'Sub-district'),
      item(line(COLORS.countryLine, 1), 'International border'),
      item(h('span', { class: 'swatch-dot', style: `background: ${COLORS.place}` }), 'Administrative centre'),
    ),
  );
}

const name = (f: MapGeoJSONFeature | undefined): string => {
  if (!f) return '—';
  const p = f.properties as { name?: string; name_ar?: string | null; pcode?: string | null };
  return [p.name, p.name_ar ? `(${p.name_ar})` : '', p.pcode ? `· ${p.pcode}` : ''].filter(Boolean).join(' ');
};

const formatLatLng = (lat: number, lng: number): string =>
  `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? 'S' : 'N'}, ${Math.abs(lng).toFixed(4)}° ${lng < 0 ? 'W' : 'E'}`;

export async function mapPage(outlet: HTMLElement): Promise<Page> {
  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', hidden: true });
  const hoverInfo = h('dl', { class: 'hover-info' });
  const info = h('div', { class: 'map-panel map-info' }, h('div', { class: 'panel-title' }, 'Cursor'), hoverInfo);
  replace(outlet, h('div', { class: 'map-page' }, container, status, problems, info, legend()));

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };

  let countries: FeatureCollection = { type: 'FeatureCollection', features: [] };
  try {
    countries = await loadCountries();
  } catch (e) {
    problem(`Country borders could not be loaded (${(e as Error).message}).`);
  }
  if (!outlet.isConnected) return {};

  const map = new MapLibreMap({
    container,
    style: buildStyle(countries, location.href),
    center: SYRIA_CENTER,
    zoom: SYRIA_ZOOM,
    minZoom: 2,
    maxZoom: 15,
    // North stays up: positions are read off this map and compared across reports.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: { compact: false, customAttribution: ATTRIBUTION },
    // Keeps the last frame readable (toDataURL) for the browser test and screenshots.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.__truceMap = map;

  map.on('error', (ev) => {
    console.error('map error', ev.error);
    problem(`Map data error: ${ev.error?.message ?? 'unknown'}`);
  });
  map.once('load', () => status.remove());
  map.on('idle', () => {
    container.dataset.mapState = 'idle';
  });
  map.on('movestart', () => {
    container.dataset.mapState = 'moving';
  });

  let hovered: string | number | undefined;
  const setHover = (id: string | number | undefined): void => {
    if (hovered === id) return;
    if (hovered !== undefined) map.setFeatureState({ source: 'adm3', id: hovered }, { hover: false });
    hovered = id;
    if (id !== undefined) map.setFeatureState({ source: 'adm3', id }, { hover: true });
  };
  const showInfo = (rows: [string, string][]): void => {
    replace(hoverInfo, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  };
  showInfo([['Position', 'move the pointer over the map']]);
  map.on('mousemove', (ev) => {
    const features = map.queryRenderedFeatures(ev.point, { layers: ['syria-places', 'syria-adm3-fill', 'syria-adm1-fill'] });
    const place = features.find((f) => f.layer.id === 'syria-places');
    const sub = features.find((f) => f.layer.id === 'syria-adm3-fill');
    const gov = features.find((f) => f.layer.id === 'syria-adm1-fill');
    setHover(sub?.id);
    const { lng, lat } = ev.lngLat;
    showInfo([
      ['Position', formatLatLng(lat, lng)],
      ['Governorate', name(gov)],
      ['Sub-district', name(sub)],
      ...(place ? ([['Place', name(place)]] as [string, string][]) : []),
    ]);
  });
  map.on('mouseout', () => setHover(undefined));

  return {
    destroy() {
      if (window.__truceMap === map) delete window.__truceMap;
      map.remove();
    },
  };
}
