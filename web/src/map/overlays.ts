// The operational layers drawn over the base map: territory by party status, overlapping
// claims (hatched), protected sites with their buffers, aid corridors. Shared by the map,
// the vetting console and the change view.
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';
import type { ExpressionSpecification, GeoJSONSource, LngLatBoundsLike, MapLibreMap } from 'maplibre-gl';
import { api, ApiError, errorMessage, withQuery } from '../api.ts';
import type { CorridorProps, GeoCollection, OverlapProps, SiteProps, TerritoryProps } from '../types.ts';
import { OVERLAY_COLORS, TERRITORY_COLORS, TERRITORY_FILL_OPACITY } from './style.ts';

export const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Roles the server lets list protected sites (an agency sees its own notifications only). */
export const SITE_ROLES = ['admin', 'cochair', 'secretariat', 'agency'];
export const canListSites = (role: string): boolean => SITE_ROLES.includes(role);

/** The image overlapping claims are filled with: drawn here on a canvas, no sprite is fetched. */
export const HATCH_IMAGE = 'truce-hatch';

/** Territory goes above the governorate fill and under the boundary lines, so both stay readable. */
const UNDER_BOUNDARIES = 'syria-adm3-line';

export function statusColor(): ExpressionSpecification {
  return [
    'match',
    ['get', 'status'],
    'committed',
    TERRITORY_COLORS.committed,
    'designated',
    TERRITORY_COLORS.designated,
    'withdrawn',
    TERRITORY_COLORS.withdrawn,
    'suspended',
    TERRITORY_COLORS.suspended,
    TERRITORY_COLORS.not_committed,
  ];
}

export function setData(map: MapLibreMap, source: string, data: FeatureCollection): void {
  (map.getSource(source) as GeoJSONSource | undefined)?.setData(data);
}

/** The server's features with their (UUID) ids left out: MapLibre wants numeric feature ids. */
export function plain<G extends Geometry, P>(fc: GeoCollection<G, P> | null | undefined): FeatureCollection {
  return { type: 'FeatureCollection', features: (fc?.features ?? []).map((f) => ({ type: 'Feature', geometry: f.geometry, properties: f.properties as Feature['properties'] })) };
}

function hatchImage(size = 10): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.strokeStyle = OVERLAY_COLORS.overlapHatch;
  ctx.lineWidth = 2;
  ctx.lineCap = 'square';
  // Diagonals drawn three times across the tile's edges so the pattern joins up seamlessly.
  for (const offset of [-size, 0, size]) {
    ctx.beginPath();
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
    ctx.stroke();
  }
  return ctx.getImageData(0, 0, size, size);
}

export function ensureHatch(map: MapLibreMap): void {
  if (!map.hasImage(HATCH_IMAGE)) map.addImage(HATCH_IMAGE, hatchImage(), { pixelRatio: 1 });
}

const EARTH_RADIUS_M = 6_371_008.8;

/** A disc of `radiusM` metres around a point, as a polygon (spherical; close enough to draw). */
export function circlePolygon(center: Position, radiusM: number, steps = 72): Polygon {
  const [lon, lat] = center;
  const d = radiusM / EARTH_RADIUS_M;
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  const ring: Position[] = [];
  for (let i = 0; i <= steps; i++) {
    const θ = ((i % steps) / steps) * 2 * Math.PI;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([(((λ2 * 180) / Math.PI + 540) % 360) - 180, (φ2 * 180) / Math.PI]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/** [[minLon, minLat], [maxLon, maxLat]] of some geometries, or null when there is nothing. */
export function boundsOf(geometries: (Geometry | null | undefined)[]): LngLatBoundsLike | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const g of geometries) if (g && 'coordinates' in g) visit(g.coordinates);
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

export function addTerritoryLayers(map: MapLibreMap, opts: { opacity?: number } = {}): void {
  map.addSource('territory', { type: 'geojson', data: EMPTY });
  map.addLayer(
    { id: 'territory-fill', type: 'fill', source: 'territory', paint: { 'fill-color': statusColor(), 'fill-opacity': opts.opacity ?? TERRITORY_FILL_OPACITY } },
    UNDER_BOUNDARIES,
  );
  map.addLayer({ id: 'territory-line', type: 'line', source: 'territory', paint: { 'line-color': statusColor(), 'line-width': 1.6 } });
}

export function addOverlapLayers(map: MapLibreMap): void {
  ensureHatch(map);
  map.addSource('overlaps', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'overlaps-hatch', type: 'fill', source: 'overlaps', paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.85 } });
  map.addLayer({ id: 'overlaps-line', type: 'line', source: 'overlaps', paint: { 'line-color': OVERLAY_COLORS.overlapHatch, 'line-width': 1, 'line-dasharray': [2, 2] } });
}

export function addCorridorLayers(map: MapLibreMap): void {
  map.addSource('corridors', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'corridors-line',
    type: 'line',
    source: 'corridors',
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': OVERLAY_COLORS.corridor, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 2, 10, 5], 'line-dasharray': [3, 1.5] },
  });
}

/** Only for roles that may list sites: for the others the layers do not exist at all. */
export function addSiteLayers(map: MapLibreMap): void {
  map.addSource('site-buffers', { type: 'geojson', data: EMPTY });
  map.addSource('sites', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'site-buffers-fill', type: 'fill', source: 'site-buffers', paint: { 'fill-color': OVERLAY_COLORS.siteBuffer, 'fill-opacity': 0.12 } });
  map.addLayer({ id: 'site-buffers-line', type: 'line', source: 'site-buffers', paint: { 'line-color': OVERLAY_COLORS.siteBuffer, 'line-width': 1, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'sites-fill', type: 'fill', source: 'sites', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': OVERLAY_COLORS.site, 'fill-opacity': 0.5 } });
  map.addLayer({
    id: 'sites-circle',
    type: 'circle',
    source: 'sites',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': OVERLAY_COLORS.site, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
  });
}

/** The buffer drawn around each site: a disc around a point; a polygon site shows its own outline. */
function siteBuffers(sites: GeoCollection<Geometry, SiteProps>): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: sites.features.flatMap((f): Feature[] =>
      f.geometry.type === 'Point' ? [{ type: 'Feature', geometry: circlePolygon(f.geometry.coordinates, f.properties.bufferM), properties: { name: f.properties.name, bufferM: f.properties.bufferM } }] : [],
    ),
  };
}

export interface OpsData {
  territories: GeoCollection<Geometry, TerritoryProps>;
  overlaps: GeoCollection<Geometry, OverlapProps>;
  corridors: GeoCollection<Geometry, CorridorProps>;
  /** null: this role may not list sites (the layers are then absent). */
  sites: GeoCollection<Geometry, SiteProps> | null;
}

/** Sites and corridors come a page at a time; follows the cursor up to a sane bound. */
async function allPages<P>(path: string, at: string, signal: AbortSignal): Promise<GeoCollection<Geometry, P>> {
  const out: GeoCollection<Geometry, P> = { type: 'FeatureCollection', features: [] };
  let cursor: string | null | undefined = null;
  for (let i = 0; i < 50; i++) {
    const page: GeoCollection<Geometry, P> = await api<GeoCollection<Geometry, P>>('GET', withQuery(path, { at, limit: 1000, cursor }), undefined, { signal });
    out.features.push(...page.features);
    out.at = page.at;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/**
 * Everything in force at `at`. Parts that fail are reported in `problems` and drawn empty;
 * a refusal to list sites is no problem, just no sites.
 */
export async function loadOps(at: Date, role: string, signal: AbortSignal): Promise<{ data: OpsData; problems: string[] }> {
  const iso = at.toISOString();
  const problems: string[] = [];
  const empty = <P>(): GeoCollection<Geometry, P> => ({ type: 'FeatureCollection', features: [] });
  const guard = async <T>(what: string, p: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      problems.push(`${what} could not be loaded: ${errorMessage(e)}`);
      return fallback;
    }
  };
  const sites = async (): Promise<GeoCollection<Geometry, SiteProps> | null> => {
    if (!canListSites(role)) return null;
    try {
      return await allPages<SiteProps>('/api/v1/sites', iso, signal);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
      throw e;
    }
  };
  const [territories, overlaps, corridors, siteList] = await Promise.all([
    guard('Territory', api<GeoCollection<Geometry, TerritoryProps>>('GET', withQuery('/api/v1/territories', { at: iso }), undefined, { signal }), empty<TerritoryProps>()),
    guard('Overlapping claims', api<GeoCollection<Geometry, OverlapProps>>('GET', withQuery('/api/v1/territories/overlaps', { at: iso }), undefined, { signal }), empty<OverlapProps>()),
    guard('Corridors', allPages<CorridorProps>('/api/v1/corridors', iso, signal), empty<CorridorProps>()),
    guard('Protected sites', sites(), null),
  ]);
  return { data: { territories, overlaps, corridors, sites: siteList }, problems };
}

/** Adds every operational layer the role may see (once per map). */
export function addOpsLayers(map: MapLibreMap, role: string): void {
  addTerritoryLayers(map);
  addOverlapLayers(map);
  if (canListSites(role)) addSiteLayers(map);
  addCorridorLayers(map);
}

export function showOps(map: MapLibreMap, data: OpsData): void {
  setData(map, 'territory', plain(data.territories));
  setData(map, 'overlaps', plain(data.overlaps));
  setData(map, 'corridors', plain(data.corridors));
  if (data.sites && map.getSource('sites')) {
    setData(map, 'sites', plain(data.sites));
    setData(map, 'site-buffers', siteBuffers(data.sites));
  }
}
