import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import { MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
// The worker is a separate file in MapLibre 6; after bundling, its default lookup
// (next to the main module) no longer holds, so point it at the emitted asset.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Natural Earth country borders, shipped with the app as a hashed static asset.
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { ATTRIBUTION, buildStyle, SYRIA_CENTER, SYRIA_ZOOM } from './style.ts';

declare global {
  interface Window {
    /** The live map, for tests and for debugging from the console. */
    __truceMap?: MapLibreMap;
  }
}

setWorkerUrl(workerUrl);

const loadedMaps = new WeakMap<MapLibreMap, Promise<void>>();

let countriesOnce: Promise<FeatureCollection> | null = null;

/** Loaded once per page load: every map view shares the same borders. */
function loadCountries(): Promise<FeatureCollection> {
  countriesOnce ??= (async () => {
    const res = await fetch(countriesUrl);
    if (!res.ok) throw new Error(`country borders: HTTP ${res.status}`);
    const topo = (await res.json()) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    return feature(topo, topo.objects.countries);
  })();
  countriesOnce.catch(() => (countriesOnce = null));
  return countriesOnce;
}

let software: boolean | null = null;

/**
 * Whether WebGL is drawn by the CPU (SwiftShader, llvmpipe: machines without a GPU, the
 * browser tests). Multisampling there costs several times the frame time for little gain,
 * so those get no antialiasing; a GPU gets it.
 */
function softwareWebGL(): boolean {
  if (software !== null) return software;
  software = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    software = /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // no WebGL at all: MapLibre reports it when the map is created
  }
  return software;
}

export interface BaseMapOptions {
  /** Shows a problem to the user (the page's alert area). */
  problem(message: string): void;
  /** Removed while the user shows the map where to put a target's vertices. */
  doubleClickZoom?: boolean;
}

/**
 * The offline base map (Natural Earth borders, OCHA boundaries from the server's reference
 * layers) in `container`, published as window.__truceMap; null when the page went away meanwhile.
 */
export async function createBaseMap(container: HTMLElement, opts: BaseMapOptions): Promise<MapLibreMap | null> {
  container.dataset.mapState = 'loading';
  let countries: FeatureCollection = { type: 'FeatureCollection', features: [] };
  try {
    countries = await loadCountries();
  } catch (e) {
    opts.problem(`Country borders could not be loaded (${(e as Error).message}).`);
  }
  if (!container.isConnected) return null;

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
    doubleClickZoom: opts.doubleClickZoom ?? true,
    attributionControl: { compact: false, customAttribution: ATTRIBUTION },
    // Keeps the last frame readable (toDataURL) for the browser test and screenshots.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: !softwareWebGL() },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.__truceMap = map;
  loadedMaps.set(map, new Promise((resolve) => map.once('load', () => resolve())));

  map.on('error', (ev) => {
    console.error('map error', ev.error);
    opts.problem(`Map data error: ${ev.error?.message ?? 'unknown'}`);
  });
  map.on('idle', () => {
    container.dataset.mapState = 'idle';
  });
  map.on('movestart', () => {
    container.dataset.mapState = 'moving';
  });
  return map;
}

/** Removes the map and forgets it as window.__truceMap. */
export function destroyBaseMap(map: MapLibreMap | null): void {
  if (!map) return;
  if (window.__truceMap === map) delete window.__truceMap;
  map.remove();
}

/** Resolves once the map's first 'load' has fired (layers may be added from then on). */
export function styleReady(map: MapLibreMap): Promise<void> {
  return loadedMaps.get(map) ?? Promise.resolve();
}
