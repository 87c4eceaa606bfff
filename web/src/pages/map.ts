import type { MapGeoJSONFeature } from 'maplibre-gl';
import { createBaseMap, destroyBaseMap, styleReady } from '../map/basemap.ts';
import { opsLegend } from '../map/legend.ts';
import { addOpsLayers, loadOps, showOps } from '../map/overlays.ts';
import { getSession } from '../session.ts';
import { h, replace } from '../ui/dom.ts';
import { humanize } from '../ui/format.ts';
import type { Page } from './page.ts';

const name = (f: MapGeoJSONFeature | undefined): string => {
  if (!f) return '—';
  const p = f.properties as { name?: string; name_ar?: string | null; pcode?: string | null };
  return [p.name, p.name_ar ? `(${p.name_ar})` : '', p.pcode ? `· ${p.pcode}` : ''].filter(Boolean).join(' ');
};

export const formatLatLng = (lat: number, lng: number): string =>
  `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? 'S' : 'N'}, ${Math.abs(lng).toFixed(4)}° ${lng < 0 ? 'W' : 'E'}`;

export async function mapPage(outlet: HTMLElement): Promise<Page> {
  const role = getSession()?.account.role ?? 'public';
  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', hidden: true });
  const hoverInfo = h('dl', { class: 'hover-info' });
  const info = h('div', { class: 'map-panel map-info' }, h('div', { class: 'panel-title' }, 'Cursor'), hoverInfo);
  const root = h('div', { class: 'map-page', 'data-layers': 'loading' }, container, status, problems, info, opsLegend(role));
  replace(outlet, root);

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };

  const ctrl = new AbortController();
  const map = await createBaseMap(container, { problem });
  if (!map) return {};
  map.once('load', () => status.remove());

  // The operational layers as they are now (the vetting console and the change view take a time).
  void (async () => {
    await styleReady(map);
    if (ctrl.signal.aborted) return;
    addOpsLayers(map, role);
    try {
      const { data, problems: failed } = await loadOps(new Date(), role, ctrl.signal);
      if (ctrl.signal.aborted) return;
      failed.forEach(problem);
      showOps(map, data);
      root.dataset.layers = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      problem(`Operational layers: ${(e as Error).message}`);
      root.dataset.layers = 'failed';
    }
  })();

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
    const layers = ['syria-places', 'syria-adm3-fill', 'syria-adm1-fill', ...(map.getLayer('territory-fill') ? ['territory-fill'] : [])];
    const features = map.queryRenderedFeatures(ev.point, { layers });
    const place = features.find((f) => f.layer.id === 'syria-places');
    const sub = features.find((f) => f.layer.id === 'syria-adm3-fill');
    const gov = features.find((f) => f.layer.id === 'syria-adm1-fill');
    const held = features.filter((f) => f.layer.id === 'territory-fill').map((f) => `${f.properties.partyName} (${humanize(String(f.properties.status))})`);
    setHover(sub?.id);
    const { lng, lat } = ev.lngLat;
    showInfo([
      ['Position', formatLatLng(lat, lng)],
      ['Governorate', name(gov)],
      ['Sub-district', name(sub)],
      ...(place ? ([['Place', name(place)]] as [string, string][]) : []),
      ...(held.length ? ([['Held by', held.join('; ')]] as [string, string][]) : []),
    ]);
  });
  map.on('mouseout', () => setHover(undefined));

  return {
    destroy() {
      ctrl.abort();
      destroyBaseMap(map);
    },
  };
}
