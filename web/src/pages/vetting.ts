// The vetting console: put a target on the map (a point, a disc, or a polygon), pick the
// requesting party and the time, and read the decision with every reason, over the map of
// territory, overlapping claims, protected sites (for roles that may see them) and corridors
// in force at that time. The time and the party live in the hash, so the view can be linked.
import type { Feature, FeatureCollection, Point, Polygon, Position } from 'geojson';
import type { MapLayerMouseEvent, MapLibreMap } from 'maplibre-gl';
import { api, ApiError, errorMessage } from '../api.ts';
import { createBaseMap, destroyBaseMap, styleReady } from '../map/basemap.ts';
import { groundBox } from '../map/ground-box.ts';
import { foldingLegend, opsLegend } from '../map/legend.ts';
import { addOpsLayers, boundsOf, circlePolygon, EMPTY, loadOps, setData, showOps, type OpsData } from '../map/overlays.ts';
import { SYRIA_BOUNDS } from '../map/style.ts';
import { addTargetLayers, targetLegendItems } from '../map/target-layers.ts';
import { readTarget } from '../map/target-text.ts';
import { navigate, type Route } from '../router.ts';
import { RULES, type Effect, type ReasonCode } from '../../../src/vetting/model.ts';
import { getSession } from '../session.ts';
import type { Party, Vetting, VettingReason, VettingReplay } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, humanize, timeParts, toUtcInputValue } from '../ui/format.ts';
import { vettingTabs } from '../vetting/tabs.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

type Target = Point | Polygon;
type Mode = 'point' | 'polygon';

export interface VettingConsoleApi {
  /** Puts a target as if drawn on the map (a Point, optionally with a radius, or a Polygon). */
  setTarget(target: Target, radiusM?: number): void;
  getTarget(): { target: Target; radiusM: number | null } | null;
  clear(): void;
  /** Presses "Vet"; resolves with the recorded decision (null if refused). */
  vet(): Promise<Vetting | null>;
}

declare global {
  interface Window {
    __truceVetting?: VettingConsoleApi;
  }
}

/** The decision table of the terms (DESIGN.md): the effect each reason has, the server's own. */
const EFFECTS: Record<string, Effect> = RULES;

/** Reason titles where the code's words are not the plain sentence. */
const TITLES: Partial<Record<ReasonCode, string>> = { REFERRED_TO_TASK_FORCE: 'Referred to the task force' };

/** Roles the server lets ask for a decision. */
const VETTERS = ['admin', 'cochair', 'secretariat', 'liaison'];

const DECISION_HINT: Record<string, string> = {
  prohibited: 'The strike must not go ahead.',
  review: 'Refer to the task force before any strike.',
  permitted: 'No rule of the cessation protects this target.',
};

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const fmtCoord = ([lon, lat]: Position): string => `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
const fmtM = (m: number): string => (m >= 1000 ? `${(m / 1000).toFixed(m >= 10_000 ? 0 : 1)} km` : `${Math.round(m)} m`);
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';
/** How often the time box follows the clock, and how often the layers in force "now" are re-read. */
const CLOCK_TICK_MS = 10_000;
const LAYERS_REFRESH_MS = 5 * 60_000;

export async function vettingPage(outlet: HTMLElement, route: Route): Promise<Page> {
  const account = getSession()?.account;
  const role = account?.role ?? 'public';
  const mayVet = VETTERS.includes(role);
  /** A liaison vets for its own party only: the server refuses any other. */
  const fixedParty = role === 'liaison' ? account?.partyId ?? null : null;

  let at: Date | null = null; // null: now, following the clock
  /** The user typed a time in the box but has not applied it: the clock must not overwrite it. */
  let atEdited = false;
  let partyId: string | null = null;
  let mode: Mode = 'point';
  let target: Target | null = null;
  let draft: Position[] = []; // polygon vertices being placed
  let result: Vetting | null = null;
  let parties: Party[] = [];
  let ops: OpsData | null = null;
  let opsCtrl: AbortController | null = null;
  let partiesCtrl: AbortController | null = null;
  let vetCtrl: AbortController | null = null;
  const names = new Map<string, string>();

  // ---- the panel ----
  const partySelect = h('select', { name: 'party', id: 'vet-party', 'data-testid': 'vet-party', required: true });
  const nowNote = h('span', { class: 'muted small', 'data-testid': 'vet-now', hidden: true }, 'Now: follows the clock');
  const atInput = h('input', { type: 'datetime-local', name: 'at', id: 'vet-at', step: '60', 'aria-describedby': 'vet-at-zone' });
  const radiusInput = h('input', { type: 'number', name: 'radius', id: 'vet-radius', min: '0', max: '50000', step: '50', placeholder: '0', inputmode: 'numeric' });
  const modePoint = h('input', { type: 'radio', name: 'mode', value: 'point', id: 'vet-mode-point', checked: true });
  const modePolygon = h('input', { type: 'radio', name: 'mode', value: 'polygon', id: 'vet-mode-polygon' });
  const finishBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'finish-polygon', disabled: true }, 'Finish');
  const clearBtn = h('button', { type: 'button', class: 'btn btn-ghost-dark', 'data-action': 'clear-target' }, 'Clear');
  const radiusField = h('div', { class: 'field' }, h('label', { for: 'vet-radius' }, 'Radius (m)'), radiusInput);
  // typed or pasted: degrees (decimal or DMS), an MGRS reference, or GeoJSON; Enter or Go places it
  const typedInput = h('textarea', {
    name: 'typed',
    id: 'vet-typed',
    rows: '1',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-testid': 'vet-typed',
    placeholder: '33.5138, 36.2765',
    'aria-describedby': 'vet-typed-read',
  });
  const typedRead = h(
    'p',
    { class: 'muted small vet-typed-read', id: 'vet-typed-read', 'data-testid': 'vet-typed-read', 'aria-live': 'polite' },
    'Degrees (decimal or 33°30′50″N 36°16′35″E, latitude first), MGRS, or GeoJSON; Enter places it.',
  );
  const typedField = h(
    'div',
    { class: 'field' },
    h('label', { for: 'vet-typed' }, 'Type or paste a target'),
    h('div', { class: 'field-row' }, typedInput, h('button', { type: 'button', class: 'btn', 'data-action': 'place-typed', onclick: () => placeTyped() }, 'Go')),
    typedRead,
  );
  const hint = h('p', { class: 'muted small vet-hint', 'data-testid': 'vet-hint' });
  const targetInfo = h('div', { class: 'vet-target', 'data-testid': 'vet-target' });
  const vetBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'vet', disabled: true }, 'Vet');
  const formError = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'vet-error', hidden: true });
  const resultBox = h('section', { class: 'vet-result', 'data-testid': 'vet-result', 'aria-live': 'polite' });

  const form = h(
    'form',
    { class: 'vet-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void runVet()) },
    h('div', { class: 'field' }, h('label', { for: 'vet-party' }, 'Requesting party'), partySelect),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'vet-at' }, 'Time of the strike'),
      h(
        'div',
        { class: 'field-row' },
        atInput,
        h('span', { id: 'vet-at-zone', class: 'zone' }, 'UTC'),
        h('button', { type: 'button', class: 'btn', 'data-action': 'apply-at', onclick: () => applyAt() }, 'Apply'),
        h('button', { type: 'button', class: 'btn btn-ghost-dark', 'data-action': 'now', onclick: () => go({ at: null }) }, 'Now'),
      ),
      nowNote,
    ),
    h(
      'fieldset',
      { class: 'field vet-mode' },
      h('legend', {}, 'Target'),
      h('label', { class: 'radio' }, modePoint, 'Point'),
      h('label', { class: 'radio' }, modePolygon, 'Polygon'),
    ),
    typedField,
    radiusField,
    h('div', { class: 'field-row vet-draw' }, finishBtn, clearBtn),
    hint,
    targetInfo,
    formError,
    vetBtn,
  );
  // On a phone the panel is a bottom sheet under the map that folds down to this bar.
  const sheetSummary = h('span', { class: 'sheet-summary', 'data-testid': 'vet-sheet-summary' });
  const sheetToggle = h('button', { type: 'button', class: 'btn sheet-toggle', 'data-action': 'toggle-sheet', 'aria-expanded': 'true', 'aria-controls': 'vet-sheet-body' }, 'Hide');
  const sheetBody = h('div', { class: 'sheet-body', id: 'vet-sheet-body' }, form, resultBox);
  const panel = h(
    'aside',
    { class: 'console-panel', 'aria-label': 'Vetting', 'data-testid': 'vet-panel' },
    vettingTabs('/vetting', role),
    h('div', { class: 'sheet-bar' }, h('h1', { class: 'page-title' }, 'Vetting console'), sheetSummary, sheetToggle),
    sheetBody,
  );
  // (a class, not `hidden`: folded on a phone, the body shows again on a wider screen, where there is no toggle)
  const setSheet = (open: boolean): void => {
    panel.classList.toggle('collapsed', !open);
    sheetToggle.setAttribute('aria-expanded', String(open));
    sheetToggle.textContent = open ? 'Hide' : 'Show';
  };
  sheetToggle.addEventListener('click', () => setSheet(panel.classList.contains('collapsed')));
  const ground = groundBox();

  const container = h('div', { class: 'map-canvas', id: 'map', 'data-map-state': 'loading' });
  const status = h('div', { class: 'map-status', role: 'status' }, 'Loading base map…');
  const problems = h('div', { class: 'map-problems', role: 'alert', 'data-testid': 'map-problems', hidden: true });
  const legend = opsLegend(role, [], [['Target', targetLegendItems()]]);
  const root = h('div', { class: 'console-page', 'data-testid': 'vetting-page', 'data-layers': 'loading' }, h('div', { class: 'console-map' }, container, h('div', { class: 'vet-crosshair', 'aria-hidden': 'true' }, h('span', {}, 'Enter places the target here')), status, problems, ground.el, foldingLegend(legend)), panel);
  replace(outlet, root);

  const problem = (message: string): void => {
    problems.hidden = false;
    problems.append(h('div', {}, message));
  };
  const clearProblems = (): void => {
    problems.hidden = true;
    replace(problems);
  };

  // ---- state <-> hash ----
  function go(change: { at?: Date | null; party?: string | null }): void {
    const nextAt = 'at' in change ? change.at : at;
    const nextParty = 'party' in change ? change.party : partyId;
    navigate('/vetting', { at: nextAt ? nextAt.toISOString() : null, party: fixedParty ? null : nextParty });
  }
  function applyAt(): void {
    const chosen = fromUtcInputValue(atInput.value);
    if (!chosen) {
      showError('The time is not a valid date and time.');
      return;
    }
    go({ at: chosen });
  }
  atInput.addEventListener('input', () => (atEdited = true));
  // Enter in the time box applies the time (the form's own Enter would vet at it unapplied).
  atInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      applyAt();
    }
  });
  atInput.addEventListener('change', () => {
    const chosen = fromUtcInputValue(atInput.value);
    if (chosen && chosen.getTime() !== at?.getTime()) go({ at: chosen });
  });

  /** The time a decision is asked for: the chosen one, or the moment of asking. */
  const when = (): Date => (at ? at : atEdited ? fromUtcInputValue(atInput.value) ?? new Date() : new Date());

  // "Now" is the clock, not the moment the page loaded: the box follows it, and the layers
  // and statuses in force are re-read every few minutes (a change may take effect meanwhile).
  let lastLayersAt = Date.now();
  const clock = window.setInterval(() => {
    if (at || atEdited) return;
    if (document.activeElement !== atInput) atInput.value = toUtcInputValue(new Date());
    if (Date.now() - lastLayersAt >= LAYERS_REFRESH_MS) {
      lastLayersAt = Date.now();
      void loadParties();
      void loadLayers();
    }
  }, CLOCK_TICK_MS);
  partySelect.addEventListener('change', () => go({ party: partySelect.value || null }));

  function readRoute(r: Route): { atChanged: boolean; partyChanged: boolean } {
    const raw = r.params.get('at');
    const parsed = raw ? new Date(raw) : null;
    const nextAt = parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
    const nextParty = fixedParty ?? r.params.get('party');
    const atChanged = (nextAt?.getTime() ?? null) !== (at?.getTime() ?? null);
    const partyChanged = nextParty !== partyId;
    at = nextAt;
    partyId = nextParty;
    atEdited = false;
    atInput.value = toUtcInputValue(at ?? new Date());
    nowNote.hidden = Boolean(at);
    return { atChanged, partyChanged };
  }

  // ---- parties ----
  function renderParties(): void {
    const options: HTMLOptionElement[] = [];
    if (!fixedParty) options.push(h('option', { value: '' }, 'Choose the requesting party…'));
    const shown = fixedParty ? parties.filter((p) => p.id === fixedParty) : parties;
    if (fixedParty && !shown.length) options.push(h('option', { value: fixedParty }, names.get(fixedParty) ?? 'Your party'));
    for (const p of shown) options.push(h('option', { value: p.id, 'data-status': p.status }, `${p.name} (${humanize(p.status).toLowerCase()})`));
    replace(partySelect, options);
    partySelect.value = partyId ?? '';
    partySelect.disabled = Boolean(fixedParty);
    if (fixedParty) partySelect.title = 'A liaison vets for its own party';
    updateControls();
  }

  async function loadParties(): Promise<void> {
    partiesCtrl?.abort();
    const ctrl = (partiesCtrl = new AbortController());
    try {
      parties = await fetchParties(at ?? new Date(), ctrl.signal);
      for (const p of parties) names.set(p.id, p.name);
    } catch (e) {
      if (isAbort(e)) return;
      problem(`Parties could not be loaded: ${errorMessage(e)}`);
    }
    renderParties();
    if (result) renderResult(); // party names may have arrived
  }

  // ---- the map ----
  const map: MapLibreMap | null = await createBaseMap(container, { problem, doubleClickZoom: false });
  if (!map) {
    window.clearInterval(clock);
    return {};
  }
  map.once('load', () => status.remove());
  map.getCanvas().style.cursor = 'crosshair';
  // On a phone the whole country, in the map's part of the screen.
  if (container.clientWidth < 700) map.fitBounds(SYRIA_BOUNDS, { padding: 10, duration: 0 });
  ground.attach(map, {
    statusOf: (id) => parties.find((p) => p.id === id)?.status,
    at: () => when(),
    targetPoint: () => (target?.type === 'Point' ? target.coordinates : null),
  });

  const targetData = (): FeatureCollection => {
    const features: Feature[] = [];
    const decision = result ? result.decision : 'pending';
    if (target?.type === 'Point') {
      const r = radius();
      if (r) features.push({ type: 'Feature', geometry: circlePolygon(target.coordinates, r), properties: { decision } });
      features.push({ type: 'Feature', geometry: target, properties: { decision } });
    } else if (target) {
      features.push({ type: 'Feature', geometry: target, properties: { decision } });
    }
    return { type: 'FeatureCollection', features };
  };
  const draftData = (): FeatureCollection => ({
    type: 'FeatureCollection',
    features: [
      ...(draft.length > 1 ? [{ type: 'Feature' as const, geometry: { type: 'LineString' as const, coordinates: draft }, properties: {} }] : []),
      ...draft.map((c) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: c }, properties: {} })),
    ],
  });

  let layersReady = false;
  function drawTarget(): void {
    if (!layersReady) return;
    setData(map!, 'vet-target', targetData());
    setData(map!, 'vet-draft', draftData());
  }

  async function loadLayers(): Promise<void> {
    opsCtrl?.abort();
    const ctrl = (opsCtrl = new AbortController());
    root.dataset.layers = 'loading';
    try {
      lastLayersAt = Date.now();
      const { data, problems: failed } = await loadOps(at ?? new Date(), role, ctrl.signal);
      await styleReady(map!);
      if (ctrl.signal.aborted) return;
      clearProblems();
      failed.forEach(problem);
      ops = data;
      showOps(map!, data);
      root.dataset.layers = 'ready';
      if (result) renderResult(); // site and corridor names may have arrived
    } catch (e) {
      if (isAbort(e)) return;
      problem(`The map layers could not be loaded: ${errorMessage(e)}`);
      root.dataset.layers = 'failed';
    }
  }

  // ---- drawing ----
  const radius = (): number | null => {
    const r = Number(radiusInput.value);
    return mode === 'point' && radiusInput.value.trim() !== '' && Number.isFinite(r) && r > 0 ? r : null;
  };

  function setTarget(t: Target | null): void {
    target = t;
    result = null;
    if (mayVet) formError.hidden = true;
    drawTarget();
    renderTargetInfo();
    renderResult();
    updateControls();
  }

  function finishPolygon(): void {
    if (draft.length < 3) {
      showError('A polygon needs at least three vertices.');
      return;
    }
    const ring = [...draft, draft[0]];
    draft = [];
    setTarget({ type: 'Polygon', coordinates: [ring] });
  }

  function clearTarget(): void {
    draft = [];
    setTarget(null);
  }

  function setMode(m: Mode): void {
    if (m === mode) return;
    mode = m;
    modePoint.checked = m === 'point';
    modePolygon.checked = m === 'polygon';
    clearTarget();
  }
  /** Reads the typed target, places it as if drawn, and flies the map to it; or says why not. */
  function placeTyped(): void {
    const r = readTarget(typedInput.value);
    typedRead.classList.toggle('inline-error', !r.ok);
    typedRead.dataset.ok = String(r.ok);
    if (!r.ok) {
      replace(typedRead, r.reason);
      return;
    }
    replace(typedRead, `Read as ${r.read}.`);
    placeTarget(r.target);
    if (r.target.type === 'Point') map!.flyTo({ center: r.target.coordinates, zoom: Math.max(map!.getZoom(), 13) });
    else map!.fitBounds(boundsOf([r.target])!, { padding: 60, maxZoom: 16 });
  }
  /** A whole target, as if drawn: the mode follows its type. */
  function placeTarget(t: Target): void {
    draft = [];
    setMode(t.type === 'Polygon' ? 'polygon' : 'point');
    setTarget(t);
  }
  typedInput.addEventListener('keydown', (ev) => {
    // Enter places it; Shift+Enter is a new line (pasted GeoJSON)
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      placeTyped();
    }
  });
  modePoint.addEventListener('change', () => setMode('point'));
  modePolygon.addEventListener('change', () => setMode('polygon'));
  finishBtn.addEventListener('click', () => finishPolygon());
  clearBtn.addEventListener('click', () => clearTarget());
  radiusInput.addEventListener('input', () => {
    if (target?.type === 'Point') {
      result = null;
      drawTarget();
      renderTargetInfo();
      renderResult();
    }
  });

  /** A click or tap on the map, or Enter at its centre: the point target, or the polygon's next vertex. */
  function placeAt(lngLat: { lng: number; lat: number }, point: { x: number; y: number }): void {
    const pos: Position = [round6(lngLat.lng), round6(lngLat.lat)];
    if (mode === 'point') {
      setTarget({ type: 'Point', coordinates: pos });
      return;
    }
    if (target) setTarget(null); // a new polygon replaces the finished one
    const last = draft[draft.length - 1];
    // The two clicks of a double-click land on the same pixel: one vertex, not two.
    if (last) {
      const p = map!.project(last as [number, number]);
      if (Math.hypot(p.x - point.x, p.y - point.y) < 5) return;
    }
    draft.push(pos);
    drawTarget();
    renderTargetInfo();
    updateControls();
  }
  map.on('click', (ev: MapLayerMouseEvent) => placeAt(ev.lngLat, ev.point));
  // Without a pointer: the arrows move the map (MapLibre's), Enter places at the centre, under the crosshair shown while the map has the focus.
  map.getCanvas().addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.repeat) return;
    ev.preventDefault();
    const c = map.getCanvas();
    placeAt(map.getCenter(), { x: c.clientWidth / 2, y: c.clientHeight / 2 });
  });
  map.on('dblclick', (ev) => {
    ev.preventDefault();
    if (mode === 'polygon' && draft.length) finishPolygon();
  });
  const onKey = (ev: KeyboardEvent): void => {
    if (ev.key === 'Escape' && draft.length) {
      draft = [];
      drawTarget();
      renderTargetInfo();
      updateControls();
    }
  };
  document.addEventListener('keydown', onKey);

  // ---- the panel's content ----
  function updateControls(): void {
    finishBtn.disabled = mode !== 'polygon' || draft.length < 3;
    finishBtn.hidden = mode !== 'polygon';
    radiusField.hidden = mode !== 'point';
    vetBtn.disabled = !mayVet || !target || !partySelect.value || Boolean(vetCtrl);
    const touch = matchMedia('(pointer: coarse)').matches;
    const click = touch ? 'Tap' : 'Click';
    hint.textContent =
      mode === 'point'
        ? `${click} the map to place the target; give a radius to vet a disc around it.`
        : draft.length
          ? `${draft.length} vertex${draft.length === 1 ? '' : 'es'} placed: ${click.toLowerCase()} to add more, ${touch ? 'Finish' : 'double-click or Finish'} to close the polygon${touch ? ', Clear' : ', Esc'} to start again.`
          : `${click} the map to place the polygon’s vertices; ${touch ? 'Finish' : 'double-click or Finish'} to close it.`;
  }

  function renderTargetInfo(): void {
    if (target?.type === 'Point') {
      const r = radius();
      replace(targetInfo, h('span', { class: 'muted' }, 'Target: '), `point ${fmtCoord(target.coordinates)}`, r ? ` with a ${fmtM(r)} radius` : '');
      targetInfo.dataset.target = 'point';
    } else if (target) {
      replace(targetInfo, h('span', { class: 'muted' }, 'Target: '), `polygon of ${target.coordinates[0].length - 1} vertices`);
      targetInfo.dataset.target = 'polygon';
    } else if (draft.length) {
      replace(targetInfo, h('span', { class: 'muted' }, 'Drawing: '), `${draft.length} vertex${draft.length === 1 ? '' : 'es'}`);
      targetInfo.dataset.target = 'draft';
    } else {
      replace(targetInfo, h('span', { class: 'muted' }, 'No target yet.'));
      targetInfo.dataset.target = 'none';
    }
    renderSheetSummary();
  }

  function showError(message: string): void {
    formError.textContent = message;
    formError.hidden = false;
  }

  const partyNames = (ids: string[] | undefined): string => (ids ?? []).map((id) => names.get(id) ?? id).join(', ');

  function reasonItem(r: VettingReason): HTMLElement {
    const effect = EFFECTS[r.code] ?? 'review';
    const site = r.siteId ? ops?.sites?.features.find((f) => f.properties.id === r.siteId)?.properties : undefined;
    const corridor = r.corridorId ? ops?.corridors.features.find((f) => f.properties.id === r.corridorId)?.properties : undefined;
    const facts: [string, string, string][] = [];
    if (r.partyIds?.length) facts.push(['Parties', partyNames(r.partyIds), 'parties']);
    if (site) facts.push(['Site', `${site.name} (${humanize(site.kind).toLowerCase()}, ${fmtM(site.bufferM)} buffer)`, 'site']);
    if (corridor) facts.push(['Corridor', `${corridor.name} (until ${formatUtc(corridor.validTo)})`, 'corridor']);
    if (r.distanceM !== undefined) facts.push(['Distance', fmtM(r.distanceM), 'distance']);
    if (r.states?.length) facts.push(['States', r.states.join(', '), 'states']);
    return h(
      'li',
      { class: `reason reason-${effect}`, 'data-code': r.code, 'data-effect': effect },
      h('div', { class: 'reason-head' }, h('code', { class: 'reason-code' }, r.code), h('span', { class: `effect effect-${effect}` }, effect)),
      h('div', { class: 'reason-title' }, TITLES[r.code as ReasonCode] ?? humanize(r.code.toLowerCase())),
      h('p', { class: 'reason-detail' }, timeParts(r.detail).map((p) => (typeof p === 'string' ? p : h('time', { datetime: p.iso, title: p.iso }, p.text)))),
      facts.length ? h('dl', { class: 'reason-facts' }, facts.flatMap(([k, v, key]) => [h('dt', {}, k), h('dd', { 'data-fact': key }, v)])) : null,
    );
  }

  /** What the folded sheet still says: the decision, or where the target stands. */
  function renderSheetSummary(): void {
    sheetSummary.dataset.decision = result?.decision ?? '';
    if (result) replace(sheetSummary, h('span', { class: `effect effect-${result.decision}` }, result.decision));
    else replace(sheetSummary, target ? 'Target placed' : draft.length ? 'Drawing…' : 'No target yet');
  }

  function renderResult(): void {
    renderSheetSummary();
    if (!result) {
      replace(resultBox, h('p', { class: 'muted vet-empty' }, target ? 'Press Vet for a decision.' : 'Put a target on the map, then press Vet.'));
      delete resultBox.dataset.decision;
      return;
    }
    const v = result;
    const replayOut = h('div', { class: 'replay-result', 'data-testid': 'vet-replay', role: 'status', hidden: true });
    const replayBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'replay', onclick: () => void replay(v, replayBtn, replayOut) }, 'Replay');
    resultBox.dataset.decision = v.decision;
    replace(
      resultBox,
      h(
        'div',
        { class: `decision decision-${v.decision}`, 'data-testid': 'vet-decision', 'data-decision': v.decision, 'data-vetting-id': v.id },
        h('span', { class: 'decision-word' }, v.decision),
        h('span', { class: 'decision-hint' }, DECISION_HINT[v.decision] ?? ''),
      ),
      h(
        'div',
        { class: 'muted small vet-meta' },
        `For ${names.get(v.requestingPartyId) ?? v.requestingPartyId} at ${formatUtc(v.at)} · data version ${v.dataVersion} · recorded ${formatUtc(v.requestedAt)}`,
        h('br'),
        h('span', { class: 'mono' }, v.id),
      ),
      h('h3', { class: 'reasons-title' }, `${v.reasons.length} reason${v.reasons.length === 1 ? '' : 's'}`),
      h('ol', { class: 'reasons', 'data-testid': 'vet-reasons' }, v.reasons.map(reasonItem)),
      h('div', { class: 'replay' }, replayBtn, replayOut),
    );
  }

  async function replay(v: Vetting, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    out.hidden = false;
    out.className = 'replay-result muted';
    out.removeAttribute('data-same');
    out.textContent = 'Replaying with the data as it was…';
    try {
      const r = await api<VettingReplay>('GET', `/api/v1/vetting/${encodeURIComponent(v.id)}/replay`);
      if (result !== v) return;
      out.dataset.same = String(r.same);
      out.dataset.decision = r.decision;
      if (r.same) {
        out.className = 'replay-result replay-same';
        out.textContent = `Replay matches: ${r.decision}, with the same ${r.reasons.length} reason${r.reasons.length === 1 ? '' : 's'}, from the data of version ${r.dataVersion}.`;
      } else {
        out.className = 'replay-result inline-error';
        out.textContent = `Replay differs: now ${r.decision} (${r.reasons.map((x) => x.code).join(', ') || 'no reasons'}), recorded ${r.recorded.decision} (${r.recorded.reasons.map((x) => x.code).join(', ') || 'no reasons'}).`;
      }
    } catch (e) {
      out.className = 'replay-result inline-error';
      out.dataset.same = 'error';
      out.textContent = `The replay failed: ${errorMessage(e)}`;
    } finally {
      button.disabled = false;
    }
  }

  async function runVet(): Promise<Vetting | null> {
    formError.hidden = true;
    if (!target) {
      showError(mode === 'polygon' && draft.length ? 'Finish the polygon first.' : 'Put a target on the map first.');
      return null;
    }
    const requestingPartyId = partySelect.value;
    if (!requestingPartyId) {
      showError('Choose the requesting party.');
      return null;
    }
    const r = radius();
    const body = { target, ...(target.type === 'Point' && r ? { radiusM: r } : {}), at: when().toISOString(), requestingPartyId };
    const asked = target;
    vetCtrl?.abort();
    const ctrl = (vetCtrl = new AbortController());
    updateControls();
    vetBtn.textContent = 'Vetting…';
    resultBox.setAttribute('aria-busy', 'true');
    try {
      const v = await api<Vetting>('POST', '/api/v1/vetting', body, { signal: ctrl.signal });
      if (target !== asked) return v; // the target moved meanwhile: this answer is not for it
      result = v;
      renderResult();
      drawTarget();
      resultBox.scrollIntoView({ block: 'nearest' });
      return v;
    } catch (e) {
      if (isAbort(e)) return null;
      const p = e instanceof ApiError ? e.problem : null;
      showError(`Not vetted: ${errorMessage(e)}${p?.field ? ` (${p.field})` : ''}`);
      return null;
    } finally {
      if (vetCtrl === ctrl) vetCtrl = null;
      resultBox.removeAttribute('aria-busy');
      vetBtn.textContent = 'Vet';
      updateControls();
    }
  }

  window.__truceVetting = {
    setTarget(t, radiusM) {
      if (t.type === 'Point') radiusInput.value = radiusM ? String(radiusM) : '';
      placeTarget(t);
    },
    getTarget: () => (target ? { target, radiusM: radius() } : null),
    clear: clearTarget,
    vet: runVet,
  };

  // ---- start ----
  if (!mayVet) showError(`The ${humanize(role).toLowerCase()} role may look at this map but not ask for vetting decisions.`);
  readRoute(route);
  renderParties();
  renderTargetInfo();
  renderResult();
  updateControls();
  void loadParties();
  void loadLayers();
  void styleReady(map).then(() => {
    if (!outlet.isConnected) return;
    addOpsLayers(map, role);
    addTargetLayers(map);
    layersReady = true;
    if (ops) showOps(map, ops);
    drawTarget();
  });

  return {
    update(r) {
      const { atChanged, partyChanged } = readRoute(r);
      if (atChanged) {
        result = null;
        renderResult();
        drawTarget();
        void loadParties();
        void loadLayers();
      } else if (partyChanged) {
        partySelect.value = partyId ?? '';
        result = null;
        renderResult();
        drawTarget();
        updateControls();
      }
    },
    destroy() {
      window.clearInterval(clock);
      opsCtrl?.abort();
      partiesCtrl?.abort();
      vetCtrl?.abort();
      document.removeEventListener('keydown', onKey);
      if (window.__truceVetting) delete window.__truceVetting;
      destroyBaseMap(map);
    },
  };
}
