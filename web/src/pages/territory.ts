// Front-line change between two dates: for each party the ground it held at `to` and not at
// `from` (gained) and the reverse (lost), on the map and in km² — who "exploited the
// cessation to enhance positions". Both dates live in the hash: #/territory?from=&to=.
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { MapLibreMap } from 'maplibre-gl';
import { api, errorMessage, withQuery } from '../api.ts';
import { createBaseMap, destroyBaseMap, styleReady } from '../map/basemap.ts';
import { fillSwatch, legendList, territoryLegendItems } from '../map/legend.ts';
import { addOverlapLayers, addTerritoryLayers, boundsOf, EMPTY, plain, setData } from '../map/overlays.ts';
import { OVERLAY_COLORS } from '../map/style.ts';
import { navigate, type Route } from '../router.ts';
import type { GeoCollection, OverlapProps, TerritoryChange, TerritoryChanges, TerritoryProps } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, toUtcInputValue } from '../ui/format.ts';
import type { Page } from './page.ts';

const DAY = 86_400_000;
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

/** "0.42", "12.3", "1,234": enough digits to see a small change, none too many for a big one. */
export function formatKm2(km2: number): string {
  const abs = Math.abs(km2);
  const digits = abs === 0 ? 0 : abs < 10 ? 2 : abs < 1000 ? 1 : 0;
  return km2.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export async function territoryPage(outlet: HTMLElement, route: Route): Promise<Page> {
  let from: Date | null = null;
  let to: Date | null = null;
  let changes: TerritoryChanges | null = null;
  let ctrl: AbortController | null = null;
  let fitOnLoad = true;

  const fromInput = h('input', { type: 'datetime-local', name: 'from', id: 'chg-from', step: '60', required: true });
  const toInput = h('input', { type: 'datetime-local', name: 'to', id: 'chg-to', step: '60', required: true });
  const formError = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'changes-error', hidden: true });
  const summary = h('div', { class: 'changes-summary', 'data-testid': 'changes-summary' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table changes-table', 'data-testid': 'changes-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Party'), h('th', { scope: 'col', class: 'num' }, 'Gained km²'), h('th', { scope: 'col', class: 'num' }, 'Lost km²'), h('th', { scope: 'col', class: 'num' }, 'Net km²')),
    ),
    tbody,
  );

  const apply = (): void => {
    const f = fromUtcInputValue(fromInput.value);
    const t = fromUtcInputValue(toInput.value);
    if (!f || !t) return showError('Both dates are needed, as UTC date and time.');
    if (f > t) return showError('“From” must not be after “to”.');
    navigate('/territory', { from: f.toISOString(), to: t.toISOString() });
  };
  const form = h(
    'form',
    { class: 'vet-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), apply()) },
    h('div', { class: 'field' }, h('label', { for: 'chg-from' }, 'From (UTC)'), fromInput),
    h('div', { class: 'field' }, h('label', { for: 'chg-to' }, 'To (UTC)'), toInput),
    formError,
    h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'compare' }, 'Compare'),
  );
  const panel = h(
    'aside',
    { class: 'console-panel', 'aria-label': 'Territory changes' },
    h('h1', { class: 'page-title' }, 'Territory changes'),
    h('p', { class: 'muted small' }, 'Ground each party held at the second date and not at the first (gained), and the reverse (lost). Areas are geodesic.'),
    form,
    summary,
    h('div', { class: 'table-scroll' }, table),
  );

  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', 'data-testid': 'map-problems', hidden: true });
  const legend = h(
    'div',
    { class: 'map-panel map-legend', 'aria-label': 'Legend', 'data-testid': 'map-legend' },
    h('div', { class: 'panel-title' }, 'Change'),
    h(
      'ul',
      {},
      h('li', { 'data-legend': 'gained' }, fillSwatch(OVERLAY_COLORS.gained, 0.7), 'Gained'),
      h('li', { 'data-legend': 'lost' }, fillSwatch(OVERLAY_COLORS.lost, 0.7), 'Lost'),
    ),
    h('div', { class: 'panel-title' }, 'Territory at “to”'),
    legendList(territoryLegendItems()),
  );
  const root = h('div', { class: 'console-page', 'data-testid': 'territory-page', 'data-state': 'loading' }, h('div', { class: 'console-map' }, container, status, problems, legend), panel);
  replace(outlet, root);

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };
  function showError(message: string): void {
    formError.textContent = message;
    formError.hidden = false;
  }

  const map: MapLibreMap | null = await createBaseMap(container, { problem });
  if (!map) return {};
  map.once('load', () => status.remove());

  let layersReady = false;
  let context: { territories: FeatureCollection; overlaps: FeatureCollection } = { territories: EMPTY, overlaps: EMPTY };

  const changeFeatures = (which: 'gained' | 'lost'): FeatureCollection => ({
    type: 'FeatureCollection',
    features: (changes?.parties ?? []).flatMap((c): Feature[] => {
      const g = c[which];
      return g ? [{ type: 'Feature', geometry: g, properties: { partyId: c.partyId, partyName: c.partyName, km2: which === 'gained' ? c.gainedKm2 : c.lostKm2 } }] : [];
    }),
  });

  function draw(): void {
    if (!layersReady) return;
    setData(map!, 'territory', context.territories);
    setData(map!, 'overlaps', context.overlaps);
    setData(map!, 'change-gained', changeFeatures('gained'));
    setData(map!, 'change-lost', changeFeatures('lost'));
  }

  function fitTo(geometries: (Geometry | null)[]): void {
    const b = boundsOf(geometries);
    if (b) map!.fitBounds(b, { padding: 60, maxZoom: 11, duration: 0 });
  }

  function renderTable(): void {
    const list = (changes?.parties ?? []).filter((c) => c.gainedKm2 > 0 || c.lostKm2 > 0 || c.fromVersionId !== c.toVersionId);
    if (!changes) {
      replace(summary);
      replace(tbody);
      return;
    }
    replace(summary, h('span', { class: 'mono' }, `${formatUtc(changes.from)} → ${formatUtc(changes.to)}`), ` · ${list.length} part${list.length === 1 ? 'y' : 'ies'} changed`);
    if (!list.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No party’s territory changed between these dates.')));
      return;
    }
    const sorted = [...list].sort((a, b) => b.gainedKm2 + b.lostKm2 - (a.gainedKm2 + a.lostKm2));
    replace(
      tbody,
      sorted.map((c: TerritoryChange) => {
        const net = c.gainedKm2 - c.lostKm2;
        return h(
          'tr',
          { 'data-party-id': c.partyId, tabindex: 0, title: 'Show on the map', onclick: () => fitTo([c.gained, c.lost]), onkeydown: (ev: KeyboardEvent) => ev.key === 'Enter' && fitTo([c.gained, c.lost]) },
          h('td', { class: 'col-name' }, c.partyName, c.fromVersionId ? null : h('div', { class: 'muted small' }, 'first delineated in this period')),
          h('td', { class: `num ${c.gainedKm2 > 0 ? 'gained' : 'muted'}`, 'data-gained-km2': String(c.gainedKm2) }, c.gainedKm2 > 0 ? `+${formatKm2(c.gainedKm2)}` : '—'),
          h('td', { class: `num ${c.lostKm2 > 0 ? 'lost' : 'muted'}`, 'data-lost-km2': String(c.lostKm2) }, c.lostKm2 > 0 ? `−${formatKm2(c.lostKm2)}` : '—'),
          h('td', { class: `num ${net > 0 ? 'gained' : net < 0 ? 'lost' : ''}` }, net === 0 ? '0' : `${net > 0 ? '+' : '−'}${formatKm2(Math.abs(net))}`),
        );
      }),
    );
  }

  async function load(): Promise<void> {
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    const f = from!;
    const t = to!;
    root.dataset.state = 'loading';
    table.setAttribute('aria-busy', 'true');
    formError.hidden = true;
    try {
      const [chg, terr, ovl] = await Promise.all([
        api<TerritoryChanges>('GET', withQuery('/api/v1/territories/changes', { from: f.toISOString(), to: t.toISOString() }), undefined, { signal: c.signal }),
        api<GeoCollection<Geometry, TerritoryProps>>('GET', withQuery('/api/v1/territories', { at: t.toISOString() }), undefined, { signal: c.signal }),
        api<GeoCollection<Geometry, OverlapProps>>('GET', withQuery('/api/v1/territories/overlaps', { at: t.toISOString() }), undefined, { signal: c.signal }),
      ]);
      changes = chg;
      context = { territories: plain(terr), overlaps: plain(ovl) };
      await styleReady(map!);
      if (c.signal.aborted) return;
      draw();
      renderTable();
      if (fitOnLoad) {
        fitTo(chg.parties.flatMap((p) => [p.gained, p.lost]));
        fitOnLoad = false;
      }
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      changes = null;
      renderTable();
      showError(`The changes could not be loaded: ${errorMessage(e)}`);
      root.dataset.state = 'failed';
    } finally {
      if (ctrl === c) table.removeAttribute('aria-busy');
    }
  }

  function readRoute(r: Route): boolean {
    const parse = (k: string): Date | null => {
      const raw = r.params.get(k);
      const d = raw ? new Date(raw) : null;
      return d && !Number.isNaN(d.getTime()) ? d : null;
    };
    const nextTo = parse('to') ?? new Date();
    const nextFrom = parse('from') ?? new Date(nextTo.getTime() - 30 * DAY);
    const changed = nextFrom.getTime() !== from?.getTime() || nextTo.getTime() !== to?.getTime();
    from = nextFrom;
    to = nextTo;
    fromInput.value = toUtcInputValue(from);
    toInput.value = toUtcInputValue(to);
    return changed;
  }

  void styleReady(map).then(() => {
    if (!outlet.isConnected) return;
    addTerritoryLayers(map, { opacity: 0.2 });
    addOverlapLayers(map);
    map.addSource('change-lost', { type: 'geojson', data: EMPTY });
    map.addSource('change-gained', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'change-lost-fill', type: 'fill', source: 'change-lost', paint: { 'fill-color': OVERLAY_COLORS.lost, 'fill-opacity': 0.6 } });
    map.addLayer({ id: 'change-lost-line', type: 'line', source: 'change-lost', paint: { 'line-color': OVERLAY_COLORS.lost, 'line-width': 1.5 } });
    map.addLayer({ id: 'change-gained-fill', type: 'fill', source: 'change-gained', paint: { 'fill-color': OVERLAY_COLORS.gained, 'fill-opacity': 0.6 } });
    map.addLayer({ id: 'change-gained-line', type: 'line', source: 'change-gained', paint: { 'line-color': OVERLAY_COLORS.gained, 'line-width': 1.5 } });
    layersReady = true;
    draw();
  });

  readRoute(route);
  void load();

  return {
    update(r) {
      if (readRoute(r)) {
        fitOnLoad = true;
        void load();
      }
    },
    destroy() {
      ctrl?.abort();
      destroyBaseMap(map);
    },
  };
}
