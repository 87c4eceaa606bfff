// The aid board's map layers: besieged areas (outlined by status, a marker with the days since
// the last delivery), convoy routes coloured and dashed by state, and the route being drawn.
import type { Feature, FeatureCollection, Position } from 'geojson';
import { Marker, type ExpressionSpecification, type MapLibreMap } from 'maplibre-gl';
import { EMPTY, setData } from '../map/overlays.ts';
import { h } from '../ui/dom.ts';
import type { BesiegedArea, Convoy } from '../types.ts';
import { AREA_STYLE, CONVOY_STYLE, areaStatusLabel, convoyStateLabel, daysTone, fmtInt } from './labels.ts';

const match = (prop: string, pairs: [string, unknown][], fallback: unknown): ExpressionSpecification =>
  ['match', ['get', prop], ...pairs.flat(), fallback] as unknown as ExpressionSpecification;

export const DRAFT_COLOUR = '#e8590c';

export function addAidLayers(map: MapLibreMap): void {
  map.addSource('aid-areas', { type: 'geojson', data: EMPTY });
  map.addSource('aid-convoys', { type: 'geojson', data: EMPTY });
  map.addSource('aid-draft', { type: 'geojson', data: EMPTY });
  const areaPairs = Object.entries(AREA_STYLE);
  map.addLayer({ id: 'aid-areas-fill', type: 'fill', source: 'aid-areas', paint: { 'fill-color': '#1a1b1e', 'fill-opacity': match('status', areaPairs.map(([k, v]) => [k, v.fillOpacity]), 0.1) } });
  map.addLayer({ id: 'aid-areas-line', type: 'line', source: 'aid-areas', filter: ['!=', ['get', 'status'], 'hard_to_reach'], paint: { 'line-color': match('status', areaPairs.map(([k, v]) => [k, v.line]), '#1a1b1e'), 'line-width': 2.2 } });
  map.addLayer({ id: 'aid-areas-line-dashed', type: 'line', source: 'aid-areas', filter: ['==', ['get', 'status'], 'hard_to_reach'], paint: { 'line-color': AREA_STYLE.hard_to_reach.line, 'line-width': 2, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'aid-convoys-casing',
    type: 'line',
    source: 'aid-convoys',
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': '#ffffff', 'line-width': ['case', ['boolean', ['get', 'selected'], false], 10, 6.5], 'line-opacity': 0.9 },
  });
  // One layer per dash pattern (line-dasharray cannot be data-driven everywhere).
  for (const [state, style] of Object.entries(CONVOY_STYLE)) {
    map.addLayer({
      id: `aid-convoys-${state}`,
      type: 'line',
      source: 'aid-convoys',
      filter: ['==', ['get', 'state'], state],
      layout: { 'line-join': 'round', 'line-cap': style.dash ? 'butt' : 'round' },
      paint: { 'line-color': style.colour, 'line-width': ['case', ['boolean', ['get', 'selected'], false], style.width + 2.5, style.width], ...(style.dash ? { 'line-dasharray': style.dash } : {}) },
    });
  }
  map.addLayer({ id: 'aid-draft-line', type: 'line', source: 'aid-draft', filter: ['==', ['geometry-type'], 'LineString'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': DRAFT_COLOUR, 'line-width': 3.5 } });
  map.addLayer({
    id: 'aid-draft-vertex',
    type: 'circle',
    source: 'aid-draft',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': '#ffffff', 'circle-radius': ['case', ['boolean', ['get', 'last'], false], 6, 4.5], 'circle-stroke-color': DRAFT_COLOUR, 'circle-stroke-width': 2.5 },
  });
}

export function showAreas(map: MapLibreMap, areas: BesiegedArea[]): void {
  setData(map, 'aid-areas', { type: 'FeatureCollection', features: areas.map((a) => ({ type: 'Feature', geometry: a.geometry, properties: { id: a.id, name: a.name, status: a.status } })) });
}

export function showConvoys(map: MapLibreMap, convoys: Convoy[], selected: string | null): void {
  setData(map, 'aid-convoys', {
    type: 'FeatureCollection',
    // The selected convoy last: drawn on top.
    features: [...convoys]
      .sort((a, b) => Number(a.id === selected) - Number(b.id === selected))
      .map((c) => ({ type: 'Feature', geometry: c.route, properties: { id: c.id, state: c.state, selected: c.id === selected } })),
  });
}

export function showDraft(map: MapLibreMap, points: Position[]): void {
  const features: Feature[] = [];
  if (points.length > 1) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: points }, properties: {} });
  points.forEach((p, i) => features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { last: i === points.length - 1 } }));
  setData(map, 'aid-draft', { type: 'FeatureCollection', features } as FeatureCollection);
}

/** The middle of an area's outline's bounding box, nudged onto the polygon's first ring if far off. */
export function areaAnchor(a: BesiegedArea): [number, number] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      w = Math.min(w, c[0] as number);
      e = Math.max(e, c[0] as number);
      s = Math.min(s, c[1] as number);
      n = Math.max(n, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if (a.geometry && 'coordinates' in a.geometry) visit(a.geometry.coordinates);
  return Number.isFinite(w) ? [(w + e) / 2, (s + n) / 2] : null;
}

/** A label on each area: its name and the days since aid last reached it (no glyphs needed). */
export function areaMarkers(map: MapLibreMap, areas: BesiegedArea[], onPick: (a: BesiegedArea) => void): Marker[] {
  return areas.flatMap((a) => {
    const at = areaAnchor(a);
    if (!at) return [];
    const days = a.daysSinceLastDelivery;
    const label = `${a.name}: ${areaStatusLabel(a.status).toLowerCase()}, ${fmtInt(a.population.count)} people, ${days === null ? 'no delivery recorded' : `${days} days since the last delivery`}`;
    const el = h(
      'button',
      { type: 'button', class: `area-marker tone-${daysTone(days)}`, 'aria-label': label, title: label, 'data-area': a.id, onclick: () => onPick(a) },
      h('span', { class: 'area-marker-name' }, a.name),
      h('span', { class: 'area-marker-days' }, days === null ? '—' : `${days} d`),
    );
    return [new Marker({ element: el, anchor: 'center' }).setLngLat(at).addTo(map)];
  });
}

export const convoyTitle = (c: Convoy, areaName: (id: string) => string): string => `${c.originName} → ${areaName(c.destinationAreaId)} (${convoyStateLabel(c.state).toLowerCase()})`;
