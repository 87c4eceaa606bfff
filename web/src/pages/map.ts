// The ops-room map: territory and incidents as they were on a chosen day (the day slider,
// in the hash as #/map?day=2016-02-27&span=day&colour=party&type=&status=&party=), incidents
// clustered by the server with exact counts (a million of them stay fluid: the browser holds a
// screenful of clusters, never the incidents) and kept current by the live stream, each party
// in its own colour on request, and filing a report by clicking the map.
import type { MapGeoJSONFeature, MapLibreMap } from 'maplibre-gl';
import { Marker } from 'maplibre-gl';
import { api, errorMessage, withQuery } from '../api.ts';
import { eventTypeLabel, FILERS, STATUS_COLORS, statusLabel } from '../desk/labels.ts';
import { reportForm, type ReportForm } from '../desk/report-form.ts';
import { subscribe } from '../live/stream.ts';
import { createBaseMap, destroyBaseMap, styleReady } from '../map/basemap.ts';
import type { IncidentProps, MapFilters } from '../map/clusters.ts';
import { addDays, daysBetween, firstWholeDay, formatDay, isoDay, parseDay, startOfDay, windowOf, type Span } from '../map/days.ts';
import { groundAt, type HeldBy } from '../map/ground.ts';
import { IncidentsLayer } from '../map/incidents-layer.ts';
import { dotSwatch, fillSwatch, foldingLegend, legendList, opsLegend } from '../map/legend.ts';
import { addOpsLayers, loadOps, showOps, statusColor } from '../map/overlays.ts';
import { NO_PARTY_COLOUR, partyColourExpression, partyColours } from '../map/party-colours.ts';
import { SYRIA_BOUNDS, TERRITORY_FILL_OPACITY } from '../map/style.ts';
import { navigate, type Route } from '../router.ts';
import { getSession } from '../session.ts';
import type { IncidentClusters, Party } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

const name = (f: MapGeoJSONFeature | undefined): string => {
  if (!f) return '—';
  const p = f.properties as { name?: string; name_ar?: string | null; pcode?: string | null };
  return [p.name, p.name_ar ? `(${p.name_ar})` : '', p.pcode ? `· ${p.pcode}` : ''].filter(Boolean).join(' ');
};

export const formatLatLng = (lat: number, lng: number): string =>
  `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? 'S' : 'N'}, ${Math.abs(lng).toFixed(4)}° ${lng < 0 ? 'W' : 'E'}`;

const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';
/** Before any terms are recorded the slider still needs a start. */
const FALLBACK_START = new Date('2016-02-27T00:00:00Z');
const EVENT_TYPES = ['airstrike', 'shelling', 'ground_attack', 'sniper_fire', 'attack_on_civilians', 'siege_or_aid_denial', 'cross_border_fire', 'position_enhancement', 'arms_transfer', 'other'];
const STATUSES = ['reported', 'under_review', 'verified', 'unverified', 'disputed', 'discounted'];

export async function mapPage(outlet: HTMLElement, route: Route): Promise<Page> {
  const role = getSession()?.account.role ?? 'public';
  const mayFile = FILERS.includes(role);

  // ---- state (from the hash) ----
  let start = FALLBACK_START;
  let day = FALLBACK_START;
  let span: Span = 'day';
  let byParty = false;
  let parties: Party[] = [];
  let colours = new Map<string, string>();
  let typeFilter: string | null = null;
  let statusFilter: string | null = null;
  let partyFilter: string | null = null;

  // ---- the panel: day slider, span, colour toggle ----
  const dayLabel = h('output', { class: 'day-label', 'data-testid': 'day-label', for: 'day-slider' });
  const slider = h('input', { type: 'range', id: 'day-slider', name: 'day', min: '0', max: '0', step: '1', 'aria-label': 'Day', 'data-testid': 'day-slider' });
  const prev = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Day before', 'data-action': 'day-prev', onclick: () => go({ day: addDays(day, -1) }) }, '‹');
  const next = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Day after', 'data-action': 'day-next', onclick: () => go({ day: addDays(day, 1) }) }, '›');
  const today = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'day-today', onclick: () => go({ day: startOfDay(new Date()) }) }, 'Today');
  const spanSelect = h(
    'select',
    { name: 'span', 'aria-label': 'Incidents shown', 'data-testid': 'day-span' },
    h('option', { value: 'day' }, 'Incidents of that day'),
    h('option', { value: 'week' }, 'Of the 7 days to it'),
    h('option', { value: 'all' }, 'Since the cessation began'),
  );
  spanSelect.addEventListener('change', () => go({ span: spanSelect.value as Span }));
  const partyToggle = h('input', { type: 'checkbox', id: 'colour-party', name: 'colourByParty', 'data-testid': 'colour-by-party' });
  partyToggle.addEventListener('change', () => go({ byParty: partyToggle.checked }));
  const counts = h('div', { class: 'day-counts', 'data-testid': 'incident-counts', role: 'status' }, 'Loading incidents…');
  // the map's filters beside the window: a type, a status, a party
  const typeSelect = h('select', { name: 'type', 'aria-label': 'Type', 'data-testid': 'filter-type' }, h('option', { value: '' }, 'Every type'), ...EVENT_TYPES.map((t) => h('option', { value: t }, eventTypeLabel(t))));
  const statusSelect = h('select', { name: 'status', 'aria-label': 'Status', 'data-testid': 'filter-status' }, h('option', { value: '' }, 'Every status'), ...STATUSES.map((x) => h('option', { value: x }, statusLabel(x))));
  const partySelect = h('select', { name: 'party', 'aria-label': 'Party', 'data-testid': 'filter-party' }, h('option', { value: '' }, 'Every party'));
  typeSelect.addEventListener('change', () => go({ type: typeSelect.value || null }));
  statusSelect.addEventListener('change', () => go({ status: statusSelect.value || null }));
  partySelect.addEventListener('change', () => go({ party: partySelect.value || null }));
  const reportBtn = mayFile ? h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-action': 'open-report', onclick: () => openReport() }, 'Report a violation') : null;

  let sliderTimer = 0;
  slider.addEventListener('input', () => {
    const d = addDays(start, Number(slider.value));
    replace(dayLabel, formatDay(d));
    // Dragging: follow with the label at once, load when the hand rests.
    window.clearTimeout(sliderTimer);
    sliderTimer = window.setTimeout(() => go({ day: d }), 250);
  });

  const histogram = h('div', { class: 'day-histogram', 'aria-hidden': 'true', 'data-testid': 'day-histogram' });
  const dayPanel = h(
    'section',
    { class: 'map-panel day-panel', 'aria-label': 'Day', 'data-testid': 'day-panel' },
    h('div', { class: 'day-head' }, dayLabel, h('span', { class: 'zone' }, 'UTC')),
    h('div', { class: 'day-slide' }, histogram, h('div', { class: 'day-row' }, prev, slider, next)),
    h('div', { class: 'day-row' }, spanSelect, today),
    h('div', { class: 'day-row filter-row' }, typeSelect, statusSelect),
    h('div', { class: 'day-row filter-row' }, partySelect),
    h('label', { class: 'check day-toggle', for: 'colour-party' }, partyToggle, 'Each party in its own colour'),
    counts,
    reportBtn,
  );

  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', hidden: true });
  const hoverInfo = h('dl', { class: 'hover-info' });
  const info = h('div', { class: 'map-panel map-info' }, h('div', { class: 'panel-title' }, 'Cursor'), hoverInfo);
  const incidentLegend = h('div', { class: 'legend-incidents' });
  const partyLegend = h('div', { class: 'legend-parties', 'data-testid': 'party-legend', hidden: true });
  const legend = opsLegend(role);
  legend.prepend(incidentLegend, partyLegend);
  const legendBox = foldingLegend(legend);
  const side = h('div', { class: 'map-side', hidden: true });
  const root = h('div', { class: 'map-page', 'data-layers': 'loading', 'data-incidents': 'loading', 'data-testid': 'map-page' }, h('div', { class: 'map-main' }, container, status, problems, dayPanel, info, legendBox), side);
  replace(outlet, root);

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };

  const ctrl = new AbortController();
  // Asked for while the base map loads: the first view of the incidents waits for the terms' start.
  const termsAsked = api<{ items: { startsAt: string }[] }>('GET', withQuery('/api/v1/terms', { limit: 100 }), undefined, { signal: ctrl.signal });
  termsAsked.catch(() => undefined); // read (and reported) below, once the map exists
  const map: MapLibreMap | null = await createBaseMap(container, { problem });
  if (!map) {
    ctrl.abort();
    return {};
  }
  map.once('load', () => status.remove());
  // On a narrow screen the whole country, below the day panel.
  if (container.clientWidth < 700) map.fitBounds(SYRIA_BOUNDS, { padding: { top: dayPanel.offsetHeight + 16, bottom: 30, left: 10, right: 10 }, duration: 0 });

  // ---- legend ----
  function renderLegend(): void {
    const statusItems = (['reported', 'under_review', 'verified', 'disputed', 'unverified', 'discounted'] as const).map((s) => [dotSwatch(STATUS_COLORS[s]), statusLabel(s), `incident-${s}`] as [HTMLElement, string, string]);
    replace(
      incidentLegend,
      h('div', { class: 'panel-title' }, byParty ? 'Incidents, by perpetrator' : 'Incidents, by status'),
      legendList([[h('span', { class: 'swatch-cluster' }, '12'), 'A cluster: the number of incidents', 'incident-cluster'], ...(byParty ? [] : statusItems)]),
    );
    partyLegend.hidden = !byParty;
    // The territory legend (by status) gives way to the parties' colours.
    const territorySection = legend.querySelector('[data-legend="committed"]')?.closest('ul') as HTMLElement | null | undefined;
    if (territorySection) {
      territorySection.hidden = byParty;
      (territorySection.previousElementSibling as HTMLElement | null)?.toggleAttribute('hidden', byParty);
    }
    if (byParty) {
      const shown = parties.filter((p) => colours.has(p.id));
      replace(partyLegend, h('div', { class: 'panel-title' }, 'Territory and incidents, by party'), legendList([...shown.map((p) => [fillSwatch(colours.get(p.id)!, 0.7), p.name, `party-${p.id}`] as [HTMLElement, string, string]), [dotSwatch(NO_PARTY_COLOUR), 'No perpetrator named', 'party-none']]));
    }
  }

  // ---- layers ----
  const colourOf = (p: IncidentProps): string => (byParty ? (p.partyId ? (colours.get(p.partyId) ?? NO_PARTY_COLOUR) : NO_PARTY_COLOUR) : (STATUS_COLORS[p.status] ?? NO_PARTY_COLOUR));
  const layer = new IncidentsLayer(map, {
    colourOf,
    partyName: (id) => parties.find((p) => p.id === id)?.name ?? 'unknown party',
    onData: (res, f) => {
      // the histogram (a count by day since the start: heavy at a million) waits for the first paint
      if (!histogramAsked) {
        histogramAsked = true;
        void loadHistogram();
      }
      renderCounts(res);
      root.dataset.incidents = 'ready';
      root.dataset.incidentsDay = isoDay(new Date(f.to.getTime() - 86_400_000)); // the day chosen: the window ends with it
    },
    onError: (e) => {
      replace(counts, h('span', { class: 'inline-error' }, `Incidents could not be loaded: ${errorMessage(e)}`));
      root.dataset.incidents = 'failed';
    },
  });

  let layersReady = false;
  function paintTerritory(): void {
    if (!layersReady) return;
    const colour = byParty ? partyColourExpression(colours) : statusColor();
    map!.setPaintProperty('territory-fill', 'fill-color', colour);
    map!.setPaintProperty('territory-line', 'line-color', colour);
    map!.setPaintProperty('territory-fill', 'fill-opacity', byParty ? 0.5 : TERRITORY_FILL_OPACITY);
  }

  let opsCtrl: AbortController | null = null;
  async function loadTerritory(): Promise<void> {
    opsCtrl?.abort();
    const c = (opsCtrl = new AbortController());
    root.dataset.layers = 'loading';
    try {
      // As it stood at the end of the day.
      const { data, problems: failed } = await loadOps(new Date(addDays(day, 1).getTime() - 1), role, c.signal);
      await styleReady(map!);
      if (c.signal.aborted) return;
      failed.forEach(problem);
      showOps(map!, data);
      root.dataset.layers = 'ready';
      root.dataset.layersDay = isoDay(day);
    } catch (e) {
      if (isAbort(e)) return;
      problem(`Operational layers: ${errorMessage(e)}`);
      root.dataset.layers = 'failed';
    }
  }

  /** The filters of the day, span and selects: the layer asks the server for the view with them. */
  function loadIncidents(): void {
    const w = windowOf(day, span, start);
    const f: MapFilters = { ...w, type: typeFilter, status: statusFilter, partyId: partyFilter };
    root.dataset.incidents = 'loading';
    replace(counts, 'Loading incidents…');
    layer.setFilters(f);
  }

  function renderCounts(res: IncidentClusters): void {
    const total = res.located + res.unlocated;
    const what = span === 'day' ? 'that day' : span === 'week' ? 'in the 7 days to it' : 'since the cessation began';
    const filtered = typeFilter || statusFilter || partyFilter ? ' (filtered)' : '';
    counts.dataset.total = String(total);
    counts.dataset.located = String(res.located);
    counts.dataset.inView = String(res.inView);
    replace(
      counts,
      h('strong', {}, total.toLocaleString('en-GB')),
      ` incident${total === 1 ? '' : 's'} ${what}${filtered}`,
      res.inView !== res.located ? h('span', { class: 'muted' }, ` · ${res.inView.toLocaleString('en-GB')} around this view`) : null,
      res.unlocated ? h('span', { class: 'muted' }, ` (${res.unlocated.toLocaleString('en-GB')} not yet located, not on the map)`) : null,
    );
  }

  // ---- live ----
  // an incident changed: the server's clusters of the view are asked for again (they follow at once)
  const unsubscribe = subscribe((ev) => {
    if (!ev.incident) return;
    window.clearTimeout(histTimer);
    histTimer = window.setTimeout(() => void loadHistogram(), 2000);
    layer.refresh();
    root.dataset.liveUpdates = String(Number(root.dataset.liveUpdates ?? 0) + 1);
  });

  // ---- the report form ----
  let form: ReportForm | null = null;
  let pin: Marker | null = null;
  function openReport(): void {
    form ??= reportForm({
      parties: () => parties,
      defaultTime: () => {
        const now = new Date();
        return startOfDay(now).getTime() === day.getTime() ? { at: now, precision: 'exact' } : { at: new Date(day.getTime() + 12 * 3_600_000), precision: 'day' };
      },
      onLocation: (ll) => {
        if (!ll) {
          pin?.remove();
          pin = null;
          return;
        }
        if (!pin) {
          pin = new Marker({ color: '#1f2a44', draggable: true }).setLngLat(ll).addTo(map!);
          pin.on('dragend', () => {
            const p = pin!.getLngLat();
            form?.setLocation([p.lng, p.lat]);
          });
          pin.getElement().dataset.testid = 'report-pin';
        } else pin.setLngLat(ll);
        if (!map!.getBounds().contains(ll)) map!.easeTo({ center: ll });
      },
      onFiled: () => {
        // The stream brings the incident; no reload needed.
      },
      onClose: () => closeReport(),
    });
    form.reset();
    replace(side, form.root);
    side.hidden = false;
    root.classList.add('reporting');
    map!.getCanvas().style.cursor = 'crosshair';
    map!.resize();
    (form.root.querySelector('select') as HTMLElement | null)?.focus();
  }
  function closeReport(): void {
    side.hidden = true;
    root.classList.remove('reporting');
    pin?.remove();
    pin = null;
    map!.getCanvas().style.cursor = '';
    map!.resize();
  }
  map.on('click', (ev) => {
    if (!root.classList.contains('reporting') || !form) return;
    form.setLocation([ev.lngLat.lng, ev.lngLat.lat]);
  });

  // ---- hash <-> state ----
  function go(change: { day?: Date; span?: Span; byParty?: boolean; type?: string | null; status?: string | null; party?: string | null }): void {
    const d = change.day ?? day;
    const pick = <T,>(k: keyof typeof change, v: T): T => (k in change ? (change[k] as T) : v);
    navigate('/map', {
      day: isoDay(clampDay(d)),
      span: (change.span ?? span) === 'day' ? null : (change.span ?? span),
      colour: (change.byParty ?? byParty) ? 'party' : null,
      type: pick('type', typeFilter),
      status: pick('status', statusFilter),
      party: pick('party', partyFilter),
    });
  }
  const lastDay = (): Date => startOfDay(new Date());
  /**
   * The slider's last day: today when the record is recent; otherwise a week past the last day
   * with incidents (at least 30 days from the start), so a day is a usable step however long ago
   * the cessation began. "Today" and the hash may still go beyond it: the range then grows.
   */
  let lastBusy: Date | null = null;
  const sliderEnd = (): Date => {
    const t = lastDay();
    const busy = Math.max(addDays(start, 30).getTime(), lastBusy ? addDays(lastBusy, 7).getTime() : 0, day.getTime() || 0);
    return new Date(Math.min(t.getTime(), busy));
  };
  let perDay = new Map<string, number>();
  function renderHistogram(): void {
    const n = daysBetween(start, sliderEnd()) + 1;
    const max = Math.max(1, ...perDay.values());
    replace(
      histogram,
      Array.from({ length: n }, (_, k) => {
        const d = isoDay(addDays(start, k));
        const c = perDay.get(d) ?? 0;
        return h('span', { class: `bar${d === isoDay(day) ? ' on' : ''}`, style: `height: ${c ? Math.max(12, Math.round((c / max) * 100)) : 0}%`, title: `${d}: ${c}` });
      }),
    );
  }
  async function loadHistogram(): Promise<void> {
    try {
      const agg = await api<{ buckets: { key: string | null; count: number }[] }>('GET', withQuery('/api/v1/incidents/aggregates', { by: 'day', from: start.toISOString() }), undefined, { signal: ctrl.signal });
      perDay = new Map(agg.buckets.filter((b) => b.key).map((b) => [b.key!, b.count]));
      const last = [...perDay.keys()].sort().pop();
      lastBusy = last ? parseDay(last) : null;
      readRoute(currentRouteOf());
      renderHistogram();
    } catch {
      // the histogram is a guide; the slider works without it
    }
  }
  let histTimer = 0;
  let histogramAsked = false;
  const clampDay = (d: Date): Date => (d < start ? start : d > lastDay() ? lastDay() : d);

  function readRoute(r: Route): { dayChanged: boolean; spanChanged: boolean; colourChanged: boolean; filtersChanged: boolean } {
    const nextDay = clampDay(parseDay(r.params.get('day')) ?? start);
    const rawSpan = r.params.get('span');
    const nextSpan: Span = rawSpan === 'week' || rawSpan === 'all' ? rawSpan : 'day';
    const nextByParty = r.params.get('colour') === 'party';
    const nextType = EVENT_TYPES.includes(r.params.get('type') ?? '') ? r.params.get('type') : null;
    const nextStatus = STATUSES.includes(r.params.get('status') ?? '') ? r.params.get('status') : null;
    const nextParty = /^[0-9a-f-]{36}$/.test(r.params.get('party') ?? '') ? r.params.get('party') : null;
    const filtersChanged = nextType !== typeFilter || nextStatus !== statusFilter || nextParty !== partyFilter;
    [typeFilter, statusFilter, partyFilter] = [nextType, nextStatus, nextParty];
    typeSelect.value = typeFilter ?? '';
    statusSelect.value = statusFilter ?? '';
    if (partyFilter && !partySelect.querySelector(`option[value="${partyFilter}"]`)) partySelect.append(h('option', { value: partyFilter }, 'a party'));
    partySelect.value = partyFilter ?? '';
    const out = { dayChanged: nextDay.getTime() !== day.getTime(), spanChanged: nextSpan !== span, colourChanged: nextByParty !== byParty, filtersChanged };
    day = nextDay;
    span = nextSpan;
    byParty = nextByParty;
    slider.max = String(Math.max(0, daysBetween(start, sliderEnd())));
    slider.value = String(daysBetween(start, day));
    replace(dayLabel, formatDay(day));
    prev.disabled = day <= start;
    next.disabled = day >= lastDay();
    spanSelect.value = span;
    partyToggle.checked = byParty;
    root.dataset.day = isoDay(day);
    lastRoute = r;
    renderHistogram();
    return out;
  }

  let lastRoute = route;
  const currentRouteOf = (): Route => lastRoute;

  function applyColours(): void {
    renderLegend();
    paintTerritory();
    layer.recolour();
  }

  // ---- start ----
  // The slider runs from the first whole day of the cessation (the terms' start) to today,
  // and opens on that first day: where the record begins (the demo: 27 February 2016).
  try {
    const terms = await termsAsked;
    const first = terms.items.map((t) => new Date(t.startsAt)).sort((a, b) => a.getTime() - b.getTime())[0];
    if (first) start = firstWholeDay(first);
  } catch (e) {
    if (!isAbort(e)) problem(`The terms could not be loaded: ${errorMessage(e)}`);
  }
  day = new Date(NaN);
  readRoute(route);
  renderLegend();
  void loadTerritory();
  loadIncidents();
  void fetchParties(new Date(), ctrl.signal)
    .then((list) => {
      parties = list;
      colours = partyColours(list);
      replace(partySelect, h('option', { value: '' }, 'Every party'), ...list.map((p) => h('option', { value: p.id }, p.name)));
      partySelect.value = partyFilter ?? '';
      applyColours();
    })
    .catch((e) => !isAbort(e) && problem(`Parties could not be loaded: ${errorMessage(e)}`));

  void styleReady(map).then(() => {
    if (ctrl.signal.aborted) return;
    addOpsLayers(map, role);
    layersReady = true;
    paintTerritory();
  });

  // ---- the cursor panel ----
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
    // in the vetting console's words, each party once (a polygon can come back in several tiles)
    const held = groundAt(features.filter((f) => f.layer.id === 'territory-fill').map((f) => f.properties as HeldBy));
    setHover(sub?.id);
    const { lng, lat } = ev.lngLat;
    showInfo([
      ['Position', formatLatLng(lat, lng)],
      ['Governorate', name(gov)],
      ['Sub-district', name(sub)],
      ...(place ? ([['Place', name(place)]] as [string, string][]) : []),
      ...(held.holders.length ? ([['Held by', held.text]] as [string, string][]) : []),
    ]);
  });
  map.on('mouseout', () => setHover(undefined));

  return {
    update(r) {
      const { dayChanged, spanChanged, colourChanged, filtersChanged } = readRoute(r);
      if (dayChanged) void loadTerritory();
      if (dayChanged || spanChanged || filtersChanged) loadIncidents();
      if (colourChanged) applyColours();
    },
    destroy() {
      ctrl.abort();
      opsCtrl?.abort();
      window.clearTimeout(sliderTimer);
      window.clearTimeout(histTimer);
      unsubscribe();
      layer.destroy();
      destroyBaseMap(map);
    },
  };
}

