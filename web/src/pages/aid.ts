// The aid board (#/aid): besieged and hard-to-reach areas on the map with their population and
// the days since aid last reached them, convoy routes coloured by state, and each convoy's
// approvals (who holds it up, for how long). Two more views share the map: the convoy request
// form (#/aid?view=request: click the map to draw the route, undo, clear) and the approval
// screen (#/aid?view=approvals: a liaison grants with conditions or denies with a reason the
// approvals asked of its party; a co-chair or admin may decide for any party).
import type { Position } from 'geojson';
import type { MapLibreMap, Marker } from 'maplibre-gl';
import { api, ApiError, errorMessage, withQuery } from '../api.ts';
import type { AidFigures, Approval, BesiegedArea, BesiegedStatus, BesiegedStatusInput, CargoCategory, Convoy, ConvoyInput, ConvoyState, DeliveryInput, Report } from '../types.ts';

type DeliveryRemoved = NonNullable<DeliveryInput['removed']>[number];
import {
  APPROVERS,
  AREA_STATUSES,
  AREA_STYLE,
  CARGO_CATEGORIES,
  CONVOY_STATES,
  CONVOY_STYLE,
  MOVERS,
  REQUESTERS,
  areaStatusLabel,
  cargoLabel,
  convoyStateLabel,
  daysTone,
  fmtInt,
  routeKm,
  waitText,
} from '../aid/labels.ts';
import { addAidLayers, areaMarkers, DRAFT_COLOUR, showAreas, showConvoys, showDraft } from '../aid/layers.ts';
import { AID_TYPES, subscribe } from '../live/stream.ts';
import { createBaseMap, destroyBaseMap, styleReady } from '../map/basemap.ts';
import { fillSwatch, foldingLegend, lineSwatch, territoryLegendItems } from '../map/legend.ts';
import { OVERLAY_COLORS, SYRIA_BOUNDS } from '../map/style.ts';
import { addOpsLayers, boundsOf, loadOps, showOps } from '../map/overlays.ts';
import { href, type Route } from '../router.ts';
import { getSession } from '../session.ts';
import type { Party } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, toUtcInputValue } from '../ui/format.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

type View = 'board' | 'request' | 'approvals';
const REFRESH_MS = 60_000;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

const stateBadge = (s: ConvoyState): HTMLElement =>
  h('span', { class: `convoy-state`, 'data-state': s, style: `--state: ${CONVOY_STYLE[s]?.colour ?? '#555'}` }, convoyStateLabel(s));
const approvalBadge = (s: Approval['status']): HTMLElement => h('span', { class: `approval-status approval-${s}`, 'data-approval-status': s }, s === 'pending' ? 'Pending' : s === 'granted' ? 'Granted' : 'Denied');
const reasonText = (a: Approval): string => (a.reason === 'besieger' ? 'Besieges the destination' : 'Route crosses its territory');

/** A problem document's message with the fields it names. */
function problemText(e: unknown): string {
  const p = e instanceof ApiError ? e.problem : null;
  const fields = p?.errors?.map((x) => `${x.field}: ${x.reason}`).join('; ');
  return `${errorMessage(e)}${fields ? ` (${fields})` : p?.field ? ` (${p.field})` : ''}`;
}

export async function aidPage(outlet: HTMLElement, route: Route): Promise<Page> {
  const account = getSession()?.account;
  const role = account?.role ?? 'public';
  const myParty = role === 'liaison' ? (account?.partyId ?? null) : null;
  const mayRequest = REQUESTERS.includes(role);
  const mayApprove = APPROVERS.includes(role);
  const mayMove = MOVERS.includes(role);
  const mayStatus = role === 'admin' || role === 'secretariat';
  /** Areas whose history (and status form) is open: kept open across readings. */
  const openAreas = new Set<string>();

  let view: View = 'board';
  let selected: string | null = null;
  let stateFilter = '';
  let areas: BesiegedArea[] = [];
  let convoys: Convoy[] = [];
  let figures: AidFigures | null = null;
  let parties: Party[] = [];
  let draft: Position[] = [];
  /** While a block is being recorded, a map click says where. */
  let blockPick: ((p: Position) => void) | null = null;
  let loaded = false;
  const ctrl = new AbortController();

  const areaName = (id: string): string => areas.find((a) => a.id === id)?.name ?? 'an unknown area';
  const partyName = (id: string): string => parties.find((p) => p.id === id)?.name ?? 'an unknown party';

  // ---- the frame ----
  const tabs: [View, string, boolean][] = [
    ['board', 'Board', true],
    ['request', 'Request a convoy', mayRequest],
    ['approvals', myParty ? 'Approvals asked of us' : 'Approvals', mayApprove],
  ];
  const tabLinks = tabs.filter(([, , shown]) => shown).map(([v, label]) => h('a', { href: href('/aid', { view: v === 'board' ? null : v }), class: 'aid-tab', 'data-view': v }, label));
  const boardBox = h('section', { class: 'aid-view', 'data-testid': 'aid-board', 'aria-labelledby': 'aid-board-title' });
  const requestBox = h('section', { class: 'aid-view', 'data-testid': 'convoy-form', 'aria-labelledby': 'aid-request-title' });
  const approvalsBox = h('section', { class: 'aid-view', 'data-testid': 'approvals', 'aria-labelledby': 'aid-approvals-title' });
  const panel = h('aside', { class: 'aid-panel', 'aria-label': 'Humanitarian access' }, h('nav', { class: 'aid-tabs', 'aria-label': 'Aid views' }, tabLinks), boardBox, requestBox, approvalsBox);

  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', 'data-testid': 'map-problems', hidden: true });
  // The aid board's own legend, compact: convoys by state beside the areas and the territory.
  const item = (swatch: HTMLElement, label: string, key: string): HTMLElement => h('li', { 'data-legend': key }, swatch, label);
  const legend = h(
    'div',
    { class: 'map-panel map-legend aid-legend-grid', 'aria-label': 'Legend', 'data-testid': 'map-legend' },
    h(
      'div',
      {},
      h('div', { class: 'panel-title' }, 'Convoys, by state'),
      h('ul', {}, CONVOY_STATES.map(([s, label]) => item(lineSwatch(CONVOY_STYLE[s].colour, 3, CONVOY_STYLE[s].dash ? (s === 'blocked' ? 'dotted' : 'dashed') : 'solid'), label, `convoy-${s}`))),
      h('ul', {}, item(lineSwatch(DRAFT_COLOUR, 3), 'Route being drawn', 'route-draft')),
    ),
    h(
      'div',
      {},
      h('div', { class: 'panel-title' }, 'Areas'),
      h('ul', {}, item(fillSwatch(AREA_STYLE.besieged.line, 0.3), 'Besieged', 'area-besieged'), item(lineSwatch(AREA_STYLE.hard_to_reach.line, 2, 'dashed'), 'Hard to reach', 'area-hard_to_reach')),
      h('div', { class: 'panel-title' }, 'Territory'),
      h('ul', {}, territoryLegendItems().map(([sw, label, key]) => item(sw, label, key)), item(lineSwatch(OVERLAY_COLORS.corridor, 3, 'dashed'), 'Aid corridor', 'corridor')),
    ),
  );
  const legendBox = foldingLegend(legend, 'legend-box aid-legend');
  const root = h('div', { class: 'aid-page', 'data-testid': 'aid-page', 'data-loaded': 'no' }, h('div', { class: 'aid-map' }, container, status, problems, legendBox), panel);
  replace(outlet, root);

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };

  // ---- data ----
  async function loadAll(): Promise<void> {
    try {
      const [a, c] = await Promise.all([
        api<{ items: BesiegedArea[] }>('GET', '/api/v1/besieged-areas', undefined, { signal: ctrl.signal }),
        api<{ items: Convoy[] }>('GET', '/api/v1/convoys', undefined, { signal: ctrl.signal }),
      ]);
      areas = a.items;
      convoys = [...c.items].sort((x, y) => y.createdAt.localeCompare(x.createdAt));
      problems.hidden = true;
      replace(problems);
    } catch (e) {
      if (isAbort(e)) return;
      problem(`The aid data could not be loaded: ${errorMessage(e)}`);
    }
    if (!(await loadFigures())) return;
    loaded = true;
    root.dataset.loaded = 'yes';
    root.dataset.convoys = String(convoys.length);
    renderAll();
    drawMap();
  }

  // ---- the figures' period: from/to (UTC), empty for the server's defaults (30 days to now) ----
  const periodFrom = h('input', { type: 'datetime-local', id: 'aid-fig-from', name: 'figuresFrom', step: '60' });
  const periodTo = h('input', { type: 'datetime-local', id: 'aid-fig-to', name: 'figuresTo', step: '60' });
  const periodReset = h('button', { type: 'button', class: 'btn btn-small btn-ghost-dark', 'data-action': 'figures-default' }, 'Last 30 days');
  const periodError = h('div', { class: 'field-error small', role: 'alert', 'data-testid': 'figures-error', hidden: true });
  const period = h(
    'fieldset',
    { class: 'aid-period', 'data-testid': 'figures-period' },
    h('legend', {}, 'Figures for the period (UTC)'),
    h(
      'div',
      { class: 'aid-period-row' },
      h('div', { class: 'period-field' }, h('label', { for: periodFrom.id, class: 'small' }, 'From'), periodFrom),
      h('div', { class: 'period-field' }, h('label', { for: periodTo.id, class: 'small' }, 'To'), periodTo),
      periodReset,
    ),
    periodError,
  );
  let figuresSeq = 0;
  /** Reads the figures for the period chosen; false when the page is gone. */
  async function loadFigures(): Promise<boolean> {
    const seq = ++figuresSeq;
    const f = fromUtcInputValue(periodFrom.value);
    const t = fromUtcInputValue(periodTo.value);
    periodError.hidden = true;
    period.dataset.state = 'loading';
    try {
      if (f && t && f >= t) throw new Error('The period must end after it starts.');
      const next = await api<AidFigures>('GET', withQuery('/api/v1/aid/figures', { from: f?.toISOString(), to: t?.toISOString() }), undefined, { signal: ctrl.signal });
      if (seq !== figuresSeq) return true;
      figures = next;
    } catch (e) {
      if (isAbort(e)) return false;
      if (seq !== figuresSeq) return true;
      figures = null; // the board stands without its figures
      periodError.textContent = `No figures for that period: ${problemText(e)}`;
      periodError.hidden = false;
    }
    period.dataset.state = figures ? 'ready' : 'failed';
    if (figures) {
      period.dataset.from = figures.from;
      period.dataset.to = figures.to;
    }
    return true;
  }
  const periodChanged = async (): Promise<void> => {
    if (!(await loadFigures())) return;
    if (loaded) renderBoard();
  };
  periodFrom.addEventListener('change', () => void periodChanged());
  periodTo.addEventListener('change', () => void periodChanged());
  periodReset.addEventListener('click', () => {
    periodFrom.value = '';
    periodTo.value = '';
    void periodChanged();
  });

  // ---- the map ----
  const map: MapLibreMap | null = await createBaseMap(container, { problem, doubleClickZoom: false });
  if (!map) return {};
  map.once('load', () => status.remove());
  map.fitBounds(SYRIA_BOUNDS, { padding: 12, duration: 0 });
  // Zoomed out, the areas' labels keep only their days: the names would overlap.
  const zoomClass = (): void => void container.classList.toggle('zoomed-out', map.getZoom() < 8);
  map.on('zoomend', zoomClass);
  zoomClass();
  let layersReady = false;
  let markers: Marker[] = [];
  function drawMap(): void {
    if (!layersReady) return;
    showAreas(map!, areas);
    showConvoys(map!, view === 'request' ? [] : convoys, selected);
    showDraft(map!, view === 'request' ? draft : []);
    for (const m of markers) m.remove();
    markers = areaMarkers(map!, areas.filter((a) => a.status !== 'lifted'), (a) => {
      if (view === 'request') pickDestination(a.id);
      else focusArea(a);
    });
  }
  function focusArea(a: BesiegedArea): void {
    const b = boundsOf([a.geometry]);
    if (b) map!.fitBounds(b, { padding: 60, maxZoom: 11 });
    document.querySelector<HTMLElement>(`[data-area-row="${a.id}"]`)?.focus();
  }
  function fitConvoy(c: Convoy): void {
    const b = boundsOf([c.route]);
    if (b) map!.fitBounds(b, { padding: 60, maxZoom: 11, duration: 300 });
  }
  void styleReady(map).then(async () => {
    if (ctrl.signal.aborted) return;
    addOpsLayers(map, role);
    addAidLayers(map);
    layersReady = true;
    drawMap();
    try {
      const { data } = await loadOps(new Date(), role, ctrl.signal);
      showOps(map, data);
    } catch (e) {
      if (!isAbort(e)) problem(`Territory could not be loaded: ${errorMessage(e)}`);
    }
    root.dataset.layers = 'ready';
  });
  map.on('click', (ev) => {
    if (view === 'board' && blockPick) blockPick([round6(ev.lngLat.lng), round6(ev.lngLat.lat)]);
    if (view !== 'request') return;
    const last = draft[draft.length - 1];
    if (last) {
      const p = map.project(last as [number, number]);
      if (Math.hypot(p.x - ev.point.x, p.y - ev.point.y) < 4) return;
    }
    draft.push([round6(ev.lngLat.lng), round6(ev.lngLat.lat)]);
    routeChanged();
  });

  // ---- the board ----
  function renderBoard(): void {
    const besieged = areas.filter((a) => a.status !== 'lifted');
    const counts = new Map<string, number>();
    for (const c of convoys) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
    const shown = stateFilter ? convoys.filter((c) => c.state === stateFilter) : convoys;
    const filter = h(
      'select',
      { id: 'aid-state-filter', 'data-testid': 'convoy-state-filter' },
      h('option', { value: '' }, `Every state (${convoys.length})`),
      CONVOY_STATES.map(([s, label]) => h('option', { value: s }, `${label} (${counts.get(s) ?? 0})`)),
    );
    filter.value = stateFilter;
    filter.addEventListener('change', () => {
      stateFilter = filter.value;
      renderBoard();
    });
    const holdUps = figures?.pendingApprovals.filter((p) => p.pending > 0) ?? [];
    replace(
      boardBox,
      h('h1', { class: 'page-title', id: 'aid-board-title' }, 'Aid board'),
      h(
        'dl',
        { class: 'aid-figures', 'data-testid': 'aid-figures' },
        h('div', {}, h('dt', {}, 'People besieged or hard to reach'), h('dd', {}, fmtInt(figures?.besiegedPopulation ?? besieged.reduce((n, a) => n + (a.population?.count ?? 0), 0)))),
        h('div', {}, h('dt', {}, 'Reached'), h('dd', {}, figures ? `${Math.round(figures.reachedShare * 100)} %` : '—')),
        h('div', {}, h('dt', {}, 'Convoys waiting for approval'), h('dd', {}, String(counts.get('requested') ?? 0))),
        h('div', {}, h('dt', {}, 'On the road'), h('dd', {}, String(counts.get('dispatched') ?? 0))),
      ),
      figures ? h('p', { class: 'muted small', 'data-testid': 'figures-note' }, `Reached: people reached by deliveries from ${formatUtc(figures.from)} to ${formatUtc(figures.to)}.`) : null,
      period,
      h('h2', { class: 'aid-h2' }, 'Areas'),
      areas.length
        ? h(
            'ul',
            { class: 'aid-areas', 'data-testid': 'aid-areas' },
            // the lifted last: their history stays readable
            [...besieged, ...areas.filter((a) => a.status === 'lifted')].map((a) => {
              const tone = daysTone(a.daysSinceLastDelivery);
              return h(
                'li',
                {
                  class: `aid-area${a.status === 'lifted' ? ' lifted' : ''}`,
                  tabindex: 0,
                  'data-area-row': a.id,
                  'data-status': a.status,
                  'aria-label': `${a.name}, ${areaStatusLabel(a.status).toLowerCase()}`,
                  onclick: (ev: MouseEvent) => !(ev.target as HTMLElement).closest('.area-more') && focusArea(a),
                  onkeydown: (ev: KeyboardEvent) => ev.key === 'Enter' && ev.target === ev.currentTarget && focusArea(a),
                },
                h('div', { class: 'aid-area-head' }, h('strong', {}, a.name), h('span', { class: `area-status area-${a.status}` }, areaStatusLabel(a.status)), h('span', { class: `days-badge tone-${tone}`, 'data-testid': 'days-since', title: 'Days since the last delivery' }, a.daysSinceLastDelivery === null ? 'no delivery recorded' : `${a.daysSinceLastDelivery} d without aid`)),
                h('div', { class: 'small' }, h('span', { class: 'num' }, fmtInt(a.population.count)), ' people', h('span', { class: 'muted' }, ` (as of ${a.population.asOf?.slice(0, 10) ?? '—'}, ${a.population.source})`)),
                h('div', { class: 'small muted' }, `Last delivery: ${formatUtc(a.lastDeliveryAt)}`, a.besiegingPartyIds.length ? ` · besieged by ${a.besiegingPartyIds.map(partyName).join(', ')}` : '', ` · since ${a.since?.slice(0, 10) ?? '—'}`),
                areaMore(a),
              );
            }),
          )
        : h('p', { class: 'muted' }, loaded ? 'No besieged or hard-to-reach area is recorded.' : 'Loading…'),
      holdUps.length
        ? [
            h('h2', { class: 'aid-h2' }, 'Holding up approvals'),
            h(
              'table',
              { class: 'data-table aid-table', 'data-testid': 'hold-ups' },
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Party'), h('th', { scope: 'col', class: 'num' }, 'Pending'), h('th', { scope: 'col', class: 'num' }, 'Longest wait'))),
              h('tbody', {}, holdUps.map((p) => h('tr', {}, h('td', {}, p.partyName), h('td', { class: 'num' }, String(p.pending)), h('td', { class: 'num' }, `${p.longestWaitDays} d`)))),
            ),
          ]
        : null,
      h('div', { class: 'aid-h2-row' }, h('h2', { class: 'aid-h2' }, 'Convoys'), h('label', { for: 'aid-state-filter', class: 'visually-hidden' }, 'Convoys in state'), filter),
      shown.length ? h('ul', { class: 'convoy-list', 'data-testid': 'convoy-list' }, shown.map(convoyCard)) : h('p', { class: 'muted' }, loaded ? 'No convoy in that state.' : 'Loading…'),
    );
  }

  /** An area's status history and, for the secretariat, a new status from a time on (an event, never an edit). */
  function areaMore(a: BesiegedArea): HTMLElement {
    const key = a.id;
    const history = h(
      'ol',
      { class: 'area-history small', 'data-testid': 'area-history' },
      [...a.history].reverse().map((x) =>
        h('li', { 'data-status': x.status }, h('span', { class: 'mono' }, formatUtc(x.at)), ' ', h('span', { class: `area-status area-${x.status}` }, areaStatusLabel(x.status)), x.reason ? h('span', { class: 'muted' }, ` — ${x.reason}`) : null),
      ),
    );
    let form: HTMLElement | null = null;
    if (mayStatus) {
      const st = h('select', { id: `as-status-${key}`, name: 'status' }, AREA_STATUSES.filter(([v]) => v !== a.status).map(([v, l]) => h('option', { value: v }, l)));
      const at = h('input', { type: 'datetime-local', id: `as-at-${key}`, name: 'at', step: '60', value: toUtcInputValue(new Date(Math.floor(Date.now() / 60_000) * 60_000)) });
      const why = h('textarea', { id: `as-reason-${key}`, name: 'reason', rows: 2, placeholder: 'e.g. the checkpoint at the northern road reopened' });
      const error = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'area-status-error', hidden: true });
      const go = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'area-status' }, 'Record the status');
      const fieldErr = { status: h('div', { class: 'field-error small', role: 'alert', hidden: true }), at: h('div', { class: 'field-error small', role: 'alert', hidden: true }), reason: h('div', { class: 'field-error small', role: 'alert', hidden: true }) };
      // a field's message goes once the field is changed
      for (const [el, f] of [[st, 'status'], [at, 'at'], [why, 'reason']] as const) el.addEventListener('input', () => (fieldErr[f].hidden = true));
      const submit = async (): Promise<void> => {
        error.hidden = true;
        for (const e of Object.values(fieldErr)) e.hidden = true;
        const t = fromUtcInputValue(at.value);
        const say = (f: keyof typeof fieldErr, m: string): void => {
          fieldErr[f].textContent = m;
          fieldErr[f].hidden = false;
        };
        if (!t) return say('at', 'Give the time (UTC) the status holds from.');
        if (!why.value.trim()) return say('reason', 'Give the reason, for the record.');
        go.disabled = true;
        try {
          const body: BesiegedStatusInput = { status: st.value as BesiegedStatus, at: t.toISOString(), reason: why.value.trim() };
          const updated = await api<BesiegedArea>('POST', `/api/v1/besieged-areas/${encodeURIComponent(a.id)}/status`, body);
          areas = areas.map((x) => (x.id === updated.id ? updated : x));
          openAreas.add(a.id);
          await loadAll();
        } catch (e) {
          const p = e instanceof ApiError ? e.problem : null;
          const f = (p?.errors?.[0]?.field ?? p?.field ?? '').replace(/^\/?(body\.)?/, '');
          if (f === 'status' || f === 'at' || f === 'reason') say(f, errorMessage(e));
          else {
            error.textContent = `Not recorded: ${problemText(e)}`;
            error.hidden = false;
          }
          go.disabled = false;
        }
      };
      form = h(
        'form',
        { class: 'area-status-form', novalidate: true, 'data-testid': 'area-status-form', onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void submit()) },
        h('div', { class: 'panel-title' }, 'A new status'),
        h('div', { class: 'area-status-fields' }, h('div', { class: 'field' }, h('label', { for: st.id }, 'Status'), st, fieldErr.status), h('div', { class: 'field' }, h('label', { for: at.id }, 'From (UTC)'), at, fieldErr.at)),
        h('div', { class: 'field' }, h('label', { for: why.id }, 'Reason'), why, fieldErr.reason),
        error,
        go,
      );
    }
    const more = h(
      'details',
      { class: 'area-more', 'data-testid': 'area-more', open: openAreas.has(a.id) },
      h('summary', { class: 'small' }, mayStatus ? `History (${a.history.length}) and status` : `Status history (${a.history.length})`),
      history,
      form,
    );
    more.addEventListener('toggle', () => (more.open ? openAreas.add(a.id) : openAreas.delete(a.id)));
    return more;
  }

  function approvalsTable(c: Convoy): HTMLElement {
    // Another agency's approved convoy: its route, window and destination only.
    if (c.view === 'route') return h('p', { class: 'small muted' }, 'Another agency’s convoy: its route, window and destination.');
    if (!c.approvals.length) return h('p', { class: 'small muted' }, 'No party’s approval is needed.');
    const now = Date.now();
    return h(
      'table',
      { class: 'data-table aid-table approvals-table', 'data-testid': 'approvals-table' },
      h('caption', { class: 'visually-hidden' }, `Approvals for the convoy ${c.originName} to ${areaName(c.destinationAreaId)}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Party'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'For how long'))),
      h(
        'tbody',
        {},
        c.approvals.map((a) =>
          h(
            'tr',
            { 'data-party': a.partyId, 'data-approval-status': a.status, class: a.status === 'pending' ? 'holding-up' : '' },
            h('td', {}, h('div', {}, a.partyName), h('div', { class: 'small muted' }, reasonText(a))),
            h(
              'td',
              {},
              approvalBadge(a.status),
              a.status === 'granted' && a.conditions ? h('div', { class: 'small' }, `Conditions: ${a.conditions}`) : null,
              a.status === 'denied' && a.denialReason ? h('div', { class: 'small' }, `Reason: ${a.denialReason}`) : null,
            ),
            h(
              'td',
              { class: 'small' },
              a.status === 'pending'
                ? [h('strong', { class: 'wait' }, `holding up for ${waitText(a.waitingSince, now)}`), h('div', { class: 'muted' }, `asked ${formatUtc(a.waitingSince)}`)]
                : [`took ${waitText(a.waitingSince, a.decidedAt ? new Date(a.decidedAt).getTime() : now)}`, h('div', { class: 'muted' }, `decided ${formatUtc(a.decidedAt)}`)],
            ),
          ),
        ),
      ),
    );
  }

  function cargoText(c: Convoy): string {
    return c.cargo.map((x) => `${cargoLabel(x.category)}${x.item ? ` (${x.item})` : ''}: ${fmtInt(x.quantity)} ${x.unit}`).join('; ') || '—';
  }

  function convoyCard(c: Convoy): HTMLElement {
    const open = c.id === selected;
    const granted = c.approvals.filter((a) => a.status === 'granted').length;
    return h(
      'li',
      { class: `convoy-card${open ? ' open' : ''}`, 'data-convoy': c.id, 'data-state': c.state },
      h(
        'a',
        { class: 'convoy-head', href: href('/aid', { convoy: open ? null : c.id, view: null }), 'aria-expanded': open ? 'true' : 'false', onclick: () => open || fitConvoy(c) },
        h('span', { class: 'convoy-title' }, `${c.originName} → ${areaName(c.destinationAreaId)}`),
        stateBadge(c.state),
      ),
      h(
        'div',
        { class: 'convoy-facts small' },
        h('span', {}, c.agency),
        h('span', {}, `${formatUtc(c.window.from)} – ${formatUtc(c.window.to)}`),
        c.peopleToReach ? h('span', {}, `${fmtInt(c.peopleToReach)} people to reach`) : null,
        c.approvals.length ? h('span', {}, `${granted} of ${c.approvals.length} approvals`) : null,
      ),
      approvalsTable(c),
      open ? convoyDetail(c) : null,
    );
  }

  function convoyDetail(c: Convoy): HTMLElement {
    const box = h('div', { class: 'convoy-detail', 'data-testid': 'convoy-detail' });
    const error = h('div', { class: 'inline-error', role: 'alert', hidden: true });
    const act = async (path: string, body: unknown, button: HTMLButtonElement): Promise<void> => {
      error.hidden = true;
      button.disabled = true;
      try {
        const updated = await api<Convoy>('POST', `/api/v1/convoys/${encodeURIComponent(c.id)}/${path}`, body);
        convoys = convoys.map((x) => (x.id === updated.id ? updated : x));
        await loadAll();
      } catch (e) {
        error.textContent = `Not recorded: ${problemText(e)}`;
        error.hidden = false;
        button.disabled = false;
      }
    };
    const actions: HTMLElement[] = [];
    if (mayMove && c.state === 'approved') {
      const b = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'dispatch' }, 'Dispatch now');
      b.addEventListener('click', () => void act('dispatch', {}, b));
      actions.push(b);
    }
    if (mayMove && c.state === 'dispatched') {
      const b = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'deliver' }, 'Record delivery');
      b.addEventListener('click', () => void act('deliver', {}, b));
      actions.push(b);
      actions.push(partialForm(c));
      // Where it was stopped: a point, the route's middle until the map is clicked.
      const mid = c.route.coordinates[Math.floor((c.route.coordinates.length - 1) / 2)] ?? c.route.coordinates[0];
      let point: Position = mid;
      const where = h('output', { id: `block-where-${c.id}`, class: 'mono small', 'data-testid': 'block-where' });
      const showPoint = (): void => {
        where.textContent = `${point[1].toFixed(5)}, ${point[0].toFixed(5)} (lat, lon)`;
      };
      showPoint();
      const by = h('select', { id: `block-by-${c.id}`, name: 'byPartyId' }, h('option', { value: '' }, 'Choose…'), parties.map((p) => h('option', { value: p.id }, p.name)));
      const why = h('input', { type: 'text', id: `block-reason-${c.id}`, name: 'reason' });
      const go = h('button', { type: 'submit', class: 'btn', 'data-action': 'block' }, 'Record the block');
      const block = h(
          'details',
          { class: 'convoy-block' },
          h('summary', {}, 'Blocked on the way?'),
          h(
            'form',
            {
              novalidate: true,
              onsubmit: (ev: SubmitEvent) => {
                ev.preventDefault();
                if (!by.value || !why.value.trim()) {
                  error.textContent = 'Say by whom and why.';
                  error.hidden = false;
                  return;
                }
                void act('block', { where: { type: 'Point', coordinates: point }, byPartyId: by.value, reason: why.value.trim() }, go);
              },
            },
            h('div', { class: 'field' }, h('span', { class: 'label' }, 'Where (click the map to move it)'), where),
            h('div', { class: 'field' }, h('label', { for: by.id }, 'Blocked by'), by),
            h('div', { class: 'field' }, h('label', { for: why.id }, 'Reason given'), why),
            go,
          ),
        );
      block.addEventListener('toggle', () => {
        blockPick = block.open
          ? (p) => {
              point = p;
              showPoint();
              showDraft(map!, [p]);
            }
          : null;
        showDraft(map!, block.open ? [point] : []);
      });
      actions.push(block);
    }
    if (mayMove && (c.state === 'requested' || c.state === 'approved')) {
      const why = h('input', { type: 'text', id: `cancel-reason-${c.id}`, name: 'reason' });
      const go = h('button', { type: 'submit', class: 'btn', 'data-action': 'cancel' }, 'Cancel the convoy');
      actions.push(
        h(
          'details',
          { class: 'convoy-cancel' },
          h('summary', {}, 'Cancel'),
          h(
            'form',
            {
              novalidate: true,
              onsubmit: (ev: SubmitEvent) => {
                ev.preventDefault();
                if (!why.value.trim()) {
                  error.textContent = 'Give the reason for cancelling.';
                  error.hidden = false;
                  return;
                }
                void act('cancel', { reason: why.value.trim() }, go);
              },
            },
            h('div', { class: 'field' }, h('label', { for: why.id }, 'Reason'), why),
            go,
          ),
        ),
      );
    }
    replace(
      box,
      h('dl', { class: 'convoy-dl small' }, h('dt', {}, 'Cargo'), h('dd', {}, cargoText(c)), h('dt', {}, 'Route'), h('dd', {}, `${c.route.coordinates.length} points, ${routeKm(c.route.coordinates).toFixed(1)} km`), h('dt', {}, 'Requested'), h('dd', {}, formatUtc(c.createdAt))),
      removedBox(c),
      h('h3', { class: 'aid-h3' }, 'History'),
      h(
        'ol',
        { class: 'convoy-history small', 'data-testid': 'convoy-history' },
        c.history.map((ev) =>
          h(
            'li',
            { 'data-event': ev.type },
            h('span', { class: 'mono' }, formatUtc(ev.at)),
            ' ',
            humanEvent(ev.type),
            typeof ev.detail === 'string' && ev.detail ? h('span', { class: 'muted' }, ` — ${ev.detail}`) : null,
            ev.reportId ? [' ', reportLink(ev.reportId)] : null,
          ),
        ),
      ),
      actions.length ? h('div', { class: 'convoy-actions' }, actions) : null,
      error,
    );
    return box;
  }
  /** What a checkpoint took from a partially delivered convoy, and the desk report it filed. */
  function removedBox(c: Convoy): HTMLElement | null {
    const ev = [...c.history].reverse().find((e) => e.type === 'partially_delivered');
    if (c.state !== 'partially_delivered' && !ev) return null;
    const lines = ev?.detail.replace(/^[^:]*:\s*/, '').replace(/\.$/, '').split(/;\s*/).filter(Boolean) ?? [];
    return h(
      'div',
      { class: 'removed-box', 'data-testid': 'removed-cargo' },
      h('h3', { class: 'aid-h3' }, 'Removed at a checkpoint'),
      lines.length ? h('ul', { class: 'removed-lines small' }, lines.map((l) => h('li', {}, l))) : h('p', { class: 'small muted' }, 'Cargo was removed on the way.'),
      c.reportIds.length ? h('p', { class: 'small' }, 'Filed on the incidents desk: ', c.reportIds.flatMap((id, i) => [i ? ', ' : '', reportLink(id)])) : null,
    );
  }

  /** A link to the incident of a desk report the convoy filed: to the incidents list until the report says which. */
  const incidentOf = new Map<string, Promise<string | null>>();
  function reportLink(reportId: string): HTMLElement {
    const a = h('a', { href: href('/incidents'), class: 'report-link', 'data-testid': 'desk-report-link', 'data-report-id': reportId }, 'desk report →');
    let p = incidentOf.get(reportId);
    if (!p) {
      p = api<Report>('GET', `/api/v1/reports/${encodeURIComponent(reportId)}`, undefined, { signal: ctrl.signal }).then(
        (r) => r.incidentId ?? null,
        () => null,
      );
      incidentOf.set(reportId, p);
    }
    void p.then((incident) => {
      if (!incident) return;
      a.setAttribute('href', href('/incident', { id: incident }));
      a.dataset.incidentId = incident;
      a.textContent = 'desk report (its incident) →';
    });
    return a;
  }

  /** Partial delivery: the cargo removed at a checkpoint, line by line (what, how much, by whom, where). */
  function partialForm(c: Convoy): HTMLElement {
    const rows = h('div', { class: 'removed-rows', 'data-testid': 'removed-rows' });
    const error = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'partial-error', hidden: true });
    const go = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'deliver-partially' }, 'Record the partial delivery');
    let seq = 0;
    /** The row whose place on the map the next click sets. */
    let picking: { set: (p: Position) => void } | null = null;
    type Row = { el: HTMLElement; read: () => DeliveryRemoved | string; errors: Record<string, HTMLElement> };
    const list: Row[] = [];
    function addRow(): void {
      const n = ++seq;
      const key = `${c.id}-${n}`;
      const line = h('select', { id: `rm-line-${key}`, name: 'line' }, c.cargo.map((x, i) => h('option', { value: String(i) }, `${cargoLabel(x.category)}${x.item ? ` (${x.item})` : ''}: ${fmtInt(x.quantity)} ${x.unit}`)));
      const qty = h('input', { type: 'number', id: `rm-qty-${key}`, name: 'quantity', min: '0', step: 'any', inputmode: 'decimal', class: 'input-num' });
      const unit = h('input', { type: 'text', id: `rm-unit-${key}`, name: 'unit', readonly: true, tabindex: -1, class: 'readonly' });
      const by = h('select', { id: `rm-by-${key}`, name: 'byPartyId' }, h('option', { value: '' }, 'Choose…'), parties.map((p) => h('option', { value: p.id }, p.name)));
      const where = h('output', { class: 'mono small', 'data-testid': 'removed-where' }, 'not marked');
      let point: Position | null = null;
      const pick = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'removed-where', 'aria-pressed': 'false' }, 'Mark on the map');
      const unpick = h('button', { type: 'button', class: 'btn btn-small btn-ghost-dark', hidden: true, onclick: () => set(null) }, 'Clear');
      const set = (p: Position | null): void => {
        point = p;
        where.textContent = p ? `${p[1].toFixed(5)}, ${p[0].toFixed(5)}` : 'not marked';
        unpick.hidden = !p;
        showDraft(map!, p ? [p] : []);
      };
      pick.addEventListener('click', () => {
        const on = pick.getAttribute('aria-pressed') !== 'true';
        for (const b of rows.querySelectorAll('[data-action="removed-where"]')) b.setAttribute('aria-pressed', 'false');
        pick.setAttribute('aria-pressed', String(on));
        picking = on ? { set } : null;
        blockPick = on
          ? (p) => {
              picking?.set(p);
            }
          : null;
      });
      const syncUnit = (): void => {
        unit.value = c.cargo[Number(line.value)]?.unit ?? '';
      };
      line.addEventListener('change', syncUnit);
      line.addEventListener('change', () => (errors.line.hidden = true));
      qty.addEventListener('input', () => (errors.quantity.hidden = true));
      by.addEventListener('change', () => (errors.byPartyId.hidden = true));
      syncUnit();
      const fieldError = (): HTMLElement => h('div', { class: 'field-error small', role: 'alert', hidden: true });
      const errors = { line: fieldError(), quantity: fieldError(), byPartyId: fieldError(), where: fieldError() };
      const el = h(
        'fieldset',
        { class: 'removed-row', 'data-row': String(list.length) },
        h('legend', { class: 'visually-hidden' }, `Removed cargo line ${n}`),
        h('div', { class: 'field rm-line' }, h('label', { for: line.id }, 'Cargo line'), line, errors.line),
        h('div', { class: 'field rm-qty' }, h('label', { for: qty.id }, 'Quantity removed'), h('div', { class: 'qty-unit' }, qty, unit), errors.quantity),
        h('div', { class: 'field rm-by' }, h('label', { for: by.id }, 'Removed by'), by, errors.byPartyId),
        h('div', { class: 'field rm-where' }, h('span', { class: 'label' }, 'Where (optional)'), h('div', { class: 'field-row' }, where, pick, unpick), errors.where),
      );
      const row: Row = {
        el,
        errors,
        read: () => {
          const x = c.cargo[Number(line.value)];
          const q = Number(qty.value);
          if (!x) return 'Choose the cargo line.';
          if (!qty.value.trim() || !(q > 0)) return 'Give the quantity removed, above zero.';
          if (!by.value) return 'Say which party removed it.';
          return { category: x.category, ...(x.item ? { item: x.item } : {}), quantity: q, unit: x.unit, byPartyId: by.value, ...(point ? { where: { type: 'Point', coordinates: point } } : {}) };
        },
      };
      if (list.length) el.append(h('button', { type: 'button', class: 'btn-icon', 'aria-label': `Remove removed line ${n}`, onclick: () => (el.remove(), list.splice(list.indexOf(row), 1)) }, '×'));
      list.push(row);
      rows.append(el);
    }
    addRow();
    const clearErrors = (): void => {
      error.hidden = true;
      for (const r of list) for (const e of Object.values(r.errors)) e.hidden = true;
    };
    const showAt = (field: string | undefined, message: string): boolean => {
      // removed.<i>[.<name>]: beside that field of that line
      const m = field ? /^removed\.(\d+)(?:\.(\w+))?/.exec(field) : null;
      const r = m ? list[Number(m[1])] : undefined;
      if (!m || !r) return false;
      const name = m[2] === 'quantity' || m[2] === 'byPartyId' || m[2] === 'where' ? m[2] : m[2] === 'unit' ? 'quantity' : 'line';
      const e = r.errors[name];
      e.textContent = message;
      e.hidden = false;
      return true;
    };
    async function submit(): Promise<void> {
      clearErrors();
      error.dataset.placed = 'no';
      const removed: DeliveryRemoved[] = [];
      for (const [i, r] of list.entries()) {
        const x = r.read();
        if (typeof x === 'string') {
          error.textContent = `Line ${i + 1}: ${x}`;
          error.hidden = false;
          return;
        }
        removed.push(x);
      }
      go.disabled = true;
      try {
        const body: DeliveryInput = { removed };
        const updated = await api<Convoy>('POST', `/api/v1/convoys/${encodeURIComponent(c.id)}/deliver`, body);
        convoys = convoys.map((x) => (x.id === updated.id ? updated : x));
        blockPick = null;
        showDraft(map!, []);
        details.open = false;
        await loadAll();
      } catch (e) {
        const p = e instanceof ApiError ? e.problem : null;
        const fields = [...(p?.errors ?? []).map((x) => [x.field, x.reason] as const), ...(p?.field ? [[p.field, errorMessage(e)] as const] : [])];
        const placed = fields.map(([f, m]) => showAt(f, m)).some(Boolean);
        error.textContent = placed ? 'Not recorded: see the line marked.' : `Not recorded: ${problemText(e)}`;
        error.dataset.placed = placed ? 'yes' : 'no';
        error.hidden = false;
        go.disabled = false;
      }
    }
    const details = h(
      'details',
      { class: 'convoy-partial', 'data-testid': 'partial-delivery' },
      h('summary', {}, 'Delivered, but cargo removed at a checkpoint?'),
      h(
        'form',
        { novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void submit()) },
        h('p', { class: 'small muted' }, 'What was taken, how much, by whom. The convoy is then partially delivered and a report is filed on the incidents desk.'),
        rows,
        h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'add-removed', onclick: () => addRow() }, 'Add a line'),
        error,
        go,
      ),
    );
    // the summary's "see the line marked" goes with the last message beside a field
    const settle = (): void => {
      if (error.dataset.placed === 'yes' && list.every((r) => Object.values(r.errors).every((e) => e.hidden))) error.hidden = true;
    };
    details.addEventListener('input', settle);
    details.addEventListener('change', settle);
    details.addEventListener('toggle', () => {
      if (!details.open) {
        picking = null;
        blockPick = null;
        showDraft(map!, []);
      }
    });
    return details;
  }

  const humanEvent = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1).replace(/[_.]+/g, ' ');


  // ---- the request form ----
  // An agency requests for its own organisation (the server knows it); the secretariat names one.
  const forOwnAgency = role === 'agency';
  const agency = h('input', { type: 'text', id: 'cv-agency', name: 'agency', autocomplete: 'organization', placeholder: 'e.g. WFP' });
  const origin = h('input', { type: 'text', id: 'cv-origin', name: 'originName', placeholder: 'e.g. Damascus warehouse' });
  const destination = h('select', { id: 'cv-destination', name: 'destinationAreaId' });
  const from = h('input', { type: 'datetime-local', id: 'cv-from', name: 'windowFrom', step: '60' });
  const to = h('input', { type: 'datetime-local', id: 'cv-to', name: 'windowTo', step: '60' });
  const people = h('input', { type: 'number', id: 'cv-people', name: 'peopleToReach', min: '0', step: '1', inputmode: 'numeric', class: 'input-num' });
  const cargoRows = h('div', { class: 'cargo-rows', 'data-testid': 'cargo-rows' });
  const routeInfo = h('div', { class: 'small route-info', 'data-testid': 'route-info', role: 'status' });
  const undo = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'route-undo', onclick: () => (draft.pop(), routeChanged()) }, 'Undo last point');
  const clear = h('button', { type: 'button', class: 'btn btn-small btn-ghost-dark', 'data-action': 'route-clear', onclick: () => ((draft = []), routeChanged()) }, 'Clear');
  const formError = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'convoy-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'request-convoy' }, 'Request the convoy');
  const done = h('div', { class: 'rf-done', role: 'status', 'data-testid': 'convoy-requested', hidden: true });
  let cargoSeq = 0;

  function addCargoRow(): void {
    const n = ++cargoSeq;
    const cat = h('select', { id: `cg-cat-${n}`, name: 'category' }, CARGO_CATEGORIES.map(([v, l]) => h('option', { value: v }, l)));
    const item = h('input', { type: 'text', id: `cg-item-${n}`, name: 'item', placeholder: 'e.g. food parcels' });
    const qty = h('input', { type: 'number', id: `cg-qty-${n}`, name: 'quantity', min: '0', step: 'any', inputmode: 'decimal', class: 'input-num' });
    const unit = h('input', { type: 'text', id: `cg-unit-${n}`, name: 'unit', placeholder: 'parcels, t, kits' });
    const row = h(
      'fieldset',
      { class: 'cargo-row' },
      h('legend', { class: 'visually-hidden' }, `Cargo line ${n}`),
      h('div', { class: 'field' }, h('label', { for: cat.id }, 'Category'), cat),
      h('div', { class: 'field' }, h('label', { for: item.id }, 'Item'), item),
      h('div', { class: 'field' }, h('label', { for: qty.id }, 'Quantity'), qty),
      h('div', { class: 'field' }, h('label', { for: unit.id }, 'Unit'), unit),
    );
    const remove = h('button', { type: 'button', class: 'btn-icon', 'aria-label': `Remove cargo line ${n}`, onclick: () => row.remove() }, '×');
    row.append(remove);
    cargoRows.append(row);
  }

  function pickDestination(id: string): void {
    destination.value = id;
    destinationChanged();
  }
  function destinationChanged(): void {
    const a = areas.find((x) => x.id === destination.value);
    if (a && !people.value) people.value = String(a.population.count);
  }
  destination.addEventListener('change', destinationChanged);

  function routeChanged(): void {
    showDraftNow();
    undo.disabled = !draft.length;
    clear.disabled = !draft.length;
    routeInfo.dataset.points = String(draft.length);
    if (!draft.length) replace(routeInfo, h('span', { class: 'muted' }, 'Click the map from the origin to the destination, point by point.'));
    else replace(routeInfo, h('strong', {}, `${draft.length} point${draft.length === 1 ? '' : 's'}`), draft.length > 1 ? `, ${routeKm(draft).toFixed(1)} km` : ': click the next point on the map');
  }
  const showDraftNow = (): void => {
    if (layersReady) showDraft(map!, view === 'request' ? draft : []);
  };

  function resetForm(): void {
    origin.value = '';
    people.value = '';
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
    from.value = toUtcInputValue(start);
    to.value = toUtcInputValue(new Date(start.getTime() + 12 * 3_600_000));
    replace(cargoRows);
    addCargoRow();
    draft = [];
    formError.hidden = true;
    routeChanged();
  }

  function renderDestinations(): void {
    const keep = destination.value;
    replace(destination, h('option', { value: '' }, 'Choose the area…'), areas.filter((a) => a.status !== 'lifted').map((a) => h('option', { value: a.id }, `${a.name} (${areaStatusLabel(a.status).toLowerCase()})`)));
    destination.value = keep;
  }

  function body(): ConvoyInput | string {
    if (!forOwnAgency && !agency.value.trim()) return 'Name the agency.';
    if (!origin.value.trim()) return 'Name where the convoy leaves from.';
    if (!destination.value) return 'Choose the area the convoy goes to.';
    const f = fromUtcInputValue(from.value);
    const t = fromUtcInputValue(to.value);
    if (!f || !t) return 'Give the window’s start and end (UTC).';
    if (t <= f) return 'The window must end after it starts.';
    if (draft.length < 2) return 'Draw the route: at least two points on the map.';
    const cargo = [...cargoRows.querySelectorAll<HTMLFieldSetElement>('.cargo-row')].map((row) => {
      const val = (n: string): string => (row.querySelector(`[name="${n}"]`) as HTMLInputElement).value.trim();
      return { category: val('category') as CargoCategory, ...(val('item') ? { item: val('item') } : {}), quantity: Number(val('quantity')), unit: val('unit') };
    });
    if (!cargo.length) return 'Add at least one cargo line.';
    if (cargo.some((x) => !(x.quantity > 0) || !x.unit)) return 'Each cargo line needs a quantity above zero and a unit.';
    const n = Number(people.value);
    if (people.value.trim() === '' || !Number.isInteger(n) || n < 0) return 'Give the number of people to reach.';
    return { ...(forOwnAgency ? {} : { agency: agency.value.trim() }), originName: origin.value.trim(), destinationAreaId: destination.value, route: { type: 'LineString', coordinates: draft }, window: { from: f.toISOString(), to: t.toISOString() }, cargo, peopleToReach: n };
  }

  async function requestConvoy(): Promise<void> {
    formError.hidden = true;
    done.hidden = true;
    const b = body();
    if (typeof b === 'string') {
      formError.textContent = b;
      formError.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Requesting…';
    try {
      const c = await api<Convoy>('POST', '/api/v1/convoys', b);
      done.dataset.convoyId = c.id;
      replace(
        done,
        h('strong', {}, 'Convoy requested.'),
        c.approvals.length ? ` It needs the approval of ${c.approvals.map((a) => a.partyName).join(', ')}.` : ' No party’s approval is needed.',
        h('div', {}, h('a', { href: href('/aid', { convoy: c.id }), 'data-testid': 'requested-convoy' }, 'See it on the board')),
      );
      done.hidden = false;
      resetForm();
      void loadAll();
    } catch (e) {
      formError.textContent = `Not requested: ${problemText(e)}`;
      formError.hidden = false;
    } finally {
      submit.disabled = false;
      submit.textContent = 'Request the convoy';
    }
  }

  replace(
    requestBox,
    h('h1', { class: 'page-title', id: 'aid-request-title' }, 'Request a convoy'),
    h(
      'form',
      { class: 'convoy-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void requestConvoy()) },
      forOwnAgency ? h('p', { class: 'muted small' }, 'Requested for your agency.') : h('div', { class: 'field' }, h('label', { for: 'cv-agency' }, 'Agency'), agency),
      h('div', { class: 'field' }, h('label', { for: 'cv-origin' }, 'From'), origin),
      h('div', { class: 'field' }, h('label', { for: 'cv-destination' }, 'To (the area)'), destination),
      h('fieldset', { class: 'field cv-route' }, h('legend', {}, 'Route'), routeInfo, h('div', { class: 'field-row' }, undo, clear)),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Window (UTC)'), h('div', { class: 'cv-window' }, h('label', { for: 'cv-from', class: 'small' }, 'From'), from, h('label', { for: 'cv-to', class: 'small' }, 'To'), to)),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Cargo'), cargoRows, h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'add-cargo', onclick: () => addCargoRow() }, 'Add a cargo line')),
      h('div', { class: 'field' }, h('label', { for: 'cv-people' }, 'People to reach'), people),
      formError,
      submit,
      done,
    ),
  );
  resetForm();

  // ---- the approval screen ----
  function renderApprovals(): void {
    const asked = convoys.flatMap((c) => c.approvals.filter((a) => (myParty ? a.partyId === myParty : true)).map((a) => ({ c, a })));
    const pending = asked.filter(({ a, c }) => a.status === 'pending' && c.state === 'requested');
    const decided = asked.filter(({ a }) => a.status !== 'pending');
    replace(
      approvalsBox,
      h('h1', { class: 'page-title', id: 'aid-approvals-title' }, myParty ? `Approvals asked of ${partyName(myParty)}` : 'Approvals'),
      h('p', { class: 'muted small' }, myParty ? 'Convoys whose route crosses your party’s territory, or that go to an area it besieges. Grant (with any conditions) or deny (with the reason).' : 'Every pending approval: a co-chair may record a party’s decision.'),
      pending.length ? h('ul', { class: 'approval-list', 'data-testid': 'pending-approvals' }, pending.map(({ c, a }) => approvalItem(c, a))) : h('p', { class: 'muted', 'data-testid': 'no-pending' }, loaded ? 'Nothing waits for a decision.' : 'Loading…'),
      decided.length
        ? [
            h('h2', { class: 'aid-h2' }, 'Decided'),
            h(
              'ul',
              { class: 'approval-list decided', 'data-testid': 'decided-approvals' },
              decided.map(({ c, a }) =>
                h(
                  'li',
                  { class: 'approval-item', 'data-convoy': c.id, 'data-party': a.partyId },
                  h('div', { class: 'convoy-head' }, h('span', { class: 'convoy-title' }, `${c.originName} → ${areaName(c.destinationAreaId)}`), approvalBadge(a.status)),
                  h('div', { class: 'small muted' }, `${myParty ? '' : `${a.partyName} · `}decided ${formatUtc(a.decidedAt)}`, a.conditions ? ` · conditions: ${a.conditions}` : '', a.denialReason ? ` · reason: ${a.denialReason}` : ''),
                ),
              ),
            ),
          ]
        : null,
    );
  }

  function approvalItem(c: Convoy, a: Approval): HTMLElement {
    const key = `${c.id}-${a.partyId}`;
    const grant = h('input', { type: 'radio', name: `decision-${key}`, value: 'granted', id: `grant-${key}`, checked: true });
    const deny = h('input', { type: 'radio', name: `decision-${key}`, value: 'denied', id: `deny-${key}` });
    const text = h('textarea', { id: `text-${key}`, name: 'text', rows: 2 });
    const textLabel = h('label', { for: text.id }, 'Conditions (optional)');
    const error = h('div', { class: 'inline-error', role: 'alert', hidden: true });
    const go = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'decide' }, 'Record the decision');
    const sync = (): void => {
      textLabel.textContent = deny.checked ? 'Reason for denying (required)' : 'Conditions (optional)';
      text.placeholder = deny.checked ? 'e.g. fighting on the route' : 'e.g. inspection at the checkpoint, no fuel';
    };
    grant.addEventListener('change', sync);
    deny.addEventListener('change', sync);
    sync();
    async function decide(): Promise<void> {
      error.hidden = true;
      const status = deny.checked ? 'denied' : 'granted';
      const t = text.value.trim();
      if (status === 'denied' && !t) {
        error.textContent = 'Give the reason for denying.';
        error.hidden = false;
        text.focus();
        return;
      }
      go.disabled = true;
      try {
        await api<Convoy>('POST', `/api/v1/convoys/${encodeURIComponent(c.id)}/approvals/${encodeURIComponent(a.partyId)}`, { status, ...(t ? (status === 'granted' ? { conditions: t } : { reason: t }) : {}) });
        await loadAll();
      } catch (e) {
        error.textContent = `Not recorded: ${problemText(e)}`;
        error.hidden = false;
        go.disabled = false;
      }
    }
    return h(
      'li',
      { class: 'approval-item', 'data-convoy': c.id, 'data-party': a.partyId },
      h('div', { class: 'convoy-head' }, h('span', { class: 'convoy-title' }, `${c.originName} → ${areaName(c.destinationAreaId)}`), stateBadge(c.state)),
      h(
        'dl',
        { class: 'convoy-dl small' },
        myParty ? null : [h('dt', {}, 'Party'), h('dd', {}, a.partyName)],
        h('dt', {}, 'Why asked'),
        h('dd', {}, reasonText(a)),
        h('dt', {}, 'Agency'),
        h('dd', {}, c.agency),
        h('dt', {}, 'Window'),
        h('dd', {}, `${formatUtc(c.window.from)} – ${formatUtc(c.window.to)}`),
        h('dt', {}, 'Cargo'),
        h('dd', {}, cargoText(c)),
        h('dt', {}, 'People'),
        h('dd', {}, fmtInt(c.peopleToReach)),
        h('dt', {}, 'Waiting'),
        h('dd', {}, h('strong', {}, waitText(a.waitingSince)), ` (asked ${formatUtc(a.waitingSince)})`),
      ),
      h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'show-route', onclick: () => showRoute(c) }, 'Show the route on the map'),
      h(
        'form',
        { class: 'decision-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void decide()) },
        h('fieldset', { class: 'decision-choice' }, h('legend', {}, 'Decision'), h('label', { class: 'radio', for: grant.id }, grant, 'Grant'), h('label', { class: 'radio', for: deny.id }, deny, 'Deny')),
        h('div', { class: 'field' }, textLabel, text),
        error,
        go,
      ),
    );
  }
  function showRoute(c: Convoy): void {
    selected = c.id;
    drawMap();
    fitConvoy(c);
    if (window.matchMedia('(max-width: 700px)').matches) container.scrollIntoView({ behavior: 'smooth' });
  }

  // ---- views ----
  function renderAll(): void {
    blockPick = null; // the block forms are drawn anew, closed
    renderDestinations();
    renderBoard();
    if (mayApprove) renderApprovals();
  }

  function readRoute(r: Route): void {
    const v = r.params.get('view');
    const next: View = v === 'request' && mayRequest ? 'request' : v === 'approvals' && mayApprove ? 'approvals' : 'board';
    const nextSelected = r.params.get('convoy');
    const viewChanged = next !== view;
    const selChanged = nextSelected !== selected;
    view = next;
    selected = nextSelected;
    root.dataset.view = view;
    boardBox.hidden = view !== 'board';
    requestBox.hidden = view !== 'request';
    approvalsBox.hidden = view !== 'approvals';
    for (const a of tabLinks) {
      const on = a.dataset.view === view;
      a.classList.toggle('active', on);
      if (on) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    map!.getCanvas().style.cursor = view === 'request' ? 'crosshair' : '';
    if (viewChanged) panel.scrollTop = 0;
    if (viewChanged || selChanged) {
      if (loaded) renderAll();
      drawMap();
      // Another view or convoy: read the board afresh (a link may come from elsewhere).
      if (loaded) reload();
    }
    const c = convoys.find((x) => x.id === selected);
    if (selChanged && c) {
      fitConvoy(c);
      boardBox.querySelector(`.convoy-card[data-convoy="${c.id}"]`)?.scrollIntoView({ block: 'nearest' });
    }
    if (view === 'request' && draft.length === 0) routeChanged();
  }

  view = 'board';
  readRoute(route);
  void fetchParties(new Date(), ctrl.signal)
    .then((list) => {
      parties = list;
      if (loaded) renderAll();
    })
    .catch((e) => !isAbort(e) && problem(`Parties could not be loaded: ${errorMessage(e)}`));
  await loadAll();
  const first = convoys.find((x) => x.id === selected);
  if (first) {
    fitConvoy(first);
    boardBox.querySelector(`.convoy-card[data-convoy="${first.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  // The live stream's aid events re-read the board (a moment later: one reload for a burst),
  // and so does a slow timer in case the stream is down; neither while someone types into it.
  const busy = (): boolean => {
    const active = document.activeElement;
    return Boolean((active && panel.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) || panel.querySelector('.convoy-actions details[open]') || [...panel.querySelectorAll<HTMLTextAreaElement>('.area-status-form textarea')].some((t) => t.value.trim()));
  };
  let liveTimer = 0;
  const reload = (): void => {
    window.clearTimeout(liveTimer);
    liveTimer = window.setTimeout(() => {
      if (busy()) return reload();
      void loadAll();
    }, 400);
  };
  const unsubscribe = subscribe((_ev, type) => {
    if ((AID_TYPES as readonly string[]).includes(type)) {
      root.dataset.liveUpdates = String(Number(root.dataset.liveUpdates ?? 0) + 1);
      reload();
    }
  });
  const timer = window.setInterval(() => {
    if (!document.hidden && !busy()) void loadAll();
  }, REFRESH_MS);

  return {
    update(r) {
      readRoute(r);
    },
    destroy() {
      ctrl.abort();
      window.clearInterval(timer);
      window.clearTimeout(liveTimer);
      unsubscribe();
      for (const m of markers) m.remove();
      destroyBaseMap(map);
    },
  };
}

