// The incidents on a MapLibre map, as the server clusters them (map/clusters.ts): one request
// per view, sent when the map rests (debounced), the one before aborted when superseded, drawn as
// HTML markers because the offline style has no glyphs to print a count with. A cluster shows its
// exact count; clicking it zooms to its incidents, or lists them where they share one spot. A
// single incident opens a summary with a link to its page.
import { Marker, Popup, type MapLibreMap } from 'maplibre-gl';
import { api, withQuery } from '../api.ts';
import { eventTypeLabel, statusLabel } from '../desk/labels.ts';
import { href } from '../router.ts';
import type { Incident, IncidentClusters, IncidentList } from '../types.ts';
import { h } from '../ui/dom.ts';
import { formatUtc } from '../ui/format.ts';
import { clusterSize, countLabel, countOf, itemsOf, MAX_ZOOM, oneSpot, viewQuery, type IncidentProps, type MapFilters, type MapItem } from './clusters.ts';

export interface IncidentsLayerOptions {
  /** The colour of a single incident's marker. */
  colourOf(props: IncidentProps): string;
  /** A party's name, for the summaries. */
  partyName(id: string): string;
  /** Each answer drawn, with the filters it was for. */
  onData?(res: IncidentClusters, filters: MapFilters): void;
  onError?(e: unknown): void;
}

/** Milliseconds the map must rest before its view is asked for. */
const DEBOUNCE_MS = 80;
/** Incidents listed in a cluster's popup at most. */
const LISTED = 50;

declare global {
  interface Window {
    /** The incidents layer, for tests: what is on the map now, and how fast it came. */
    __truceIncidents?: {
      total(): number;
      drawn(): number;
      items(): MapItem[];
      /** Milliseconds from the layer's start to its first markers, and from each request to its markers. */
      firstPaintMs(): number | null;
      paints(): number[];
      requests(): number;
      /** The query of the answer drawn (its bbox is the view with its margin). */
      query(): Record<string, string> | null;
      /** The answer drawn. */
      answer(): IncidentClusters | null;
    };
  }
}

const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

export class IncidentsLayer {
  private filters: MapFilters | null = null;
  private last: IncidentClusters | null = null;
  private lastQuery: Record<string, string> | null = null;
  private markers: Marker[] = [];
  private items: MapItem[] = [];
  private popup: Popup | null = null;
  private timer = 0;
  private ctrl: AbortController | null = null;
  /** While a view is being asked for, the map repaints each frame, so "idle" means the incidents are drawn. */
  private busy = false;
  private readonly started = performance.now();
  private firstPaint: number | null = null;
  private readonly paintTimes: number[] = [];
  private sent = 0;
  private readonly onMoveEnd = (): void => this.schedule();

  constructor(
    private readonly map: MapLibreMap,
    private readonly opts: IncidentsLayerOptions,
  ) {
    map.on('moveend', this.onMoveEnd);
    window.__truceIncidents = {
      total: () => this.last?.located ?? 0,
      drawn: () => countOf(this.items),
      items: () => this.items,
      firstPaintMs: () => this.firstPaint,
      paints: () => [...this.paintTimes],
      requests: () => this.sent,
      query: () => this.lastQuery,
      answer: () => this.last,
    };
  }

  /** New filters (the day, the span, a type, a status, a party): asked for at once. */
  setFilters(f: MapFilters): void {
    this.filters = f;
    this.schedule(0);
  }

  /** The data changed (a live update): the view is asked for again, soon. */
  refresh(): void {
    this.schedule(500);
  }

  /** Colours changed (the party toggle): redraw without asking again. */
  recolour(): void {
    this.draw();
  }

  private hold(): void {
    if (this.busy) return;
    this.busy = true;
    const spin = (): void => {
      if (!this.busy) return;
      this.map.triggerRepaint();
      requestAnimationFrame(spin);
    };
    requestAnimationFrame(spin);
  }

  private schedule(ms = DEBOUNCE_MS): void {
    if (!this.filters) return;
    this.hold();
    window.clearTimeout(this.timer);
    // at once means now, not after the frames the map has queued (the first view's paint waits on it)
    if (ms === 0) void this.load();
    else this.timer = window.setTimeout(() => void this.load(), ms);
  }

  private async load(): Promise<void> {
    const f = this.filters;
    if (!f) return;
    this.ctrl?.abort();
    const ctrl = (this.ctrl = new AbortController());
    const b = this.map.getBounds();
    const q = viewQuery([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], this.map.getZoom(), f);
    const t0 = performance.now();
    this.sent++;
    try {
      const res = await api<IncidentClusters>('GET', withQuery('/api/v1/incidents/clusters', q), undefined, { signal: ctrl.signal });
      if (ctrl.signal.aborted) return;
      this.last = res;
      this.lastQuery = q;
      this.draw();
      const now = performance.now();
      this.paintTimes.push(now - t0);
      if (this.paintTimes.length > 100) this.paintTimes.shift();
      this.firstPaint ??= now - this.started;
      this.opts.onData?.(res, f);
    } catch (e) {
      if (isAbort(e)) return;
      this.opts.onError?.(e);
    } finally {
      if (this.ctrl === ctrl) {
        this.ctrl = null;
        this.busy = false;
      }
    }
  }

  private draw(): void {
    this.items = this.last ? itemsOf(this.last) : [];
    for (const m of this.markers) m.remove();
    this.markers = this.items.map((item) => new Marker({ element: this.element(item) }).setLngLat([item.lon, item.lat]).addTo(this.map));
    this.map.getContainer().dataset.incidents = String(countOf(this.items));
  }

  private element(item: MapItem): HTMLElement {
    if (item.kind === 'cluster') {
      const size = clusterSize(item.count);
      return h(
        'button',
        {
          type: 'button',
          class: 'incident-cluster',
          style: `width: ${size}px; height: ${size}px`,
          'data-count': item.count,
          'aria-label': `${item.count} incidents: zoom in`,
          onclick: (ev: MouseEvent) => (ev.stopPropagation(), void this.openCluster(item)),
        },
        countLabel(item.count),
      );
    }
    const p = item.props;
    return h('button', {
      type: 'button',
      class: `incident-dot status-${p.status}`,
      style: `background: ${this.opts.colourOf(p)}`,
      'data-incident-id': p.id,
      'data-status': p.status,
      'aria-label': `${eventTypeLabel(p.eventType)}, ${statusLabel(p.status).toLowerCase()}`,
      onclick: (ev: MouseEvent) => (ev.stopPropagation(), void this.openIncident(p.id, [item.lon, item.lat])),
    });
  }

  private async openCluster(item: Extract<MapItem, { kind: 'cluster' }>): Promise<void> {
    const zoom = this.map.getZoom();
    if (!oneSpot(item.bounds) && zoom < MAX_ZOOM) {
      const [w, s, e, n] = item.bounds;
      const camera = this.map.cameraForBounds([[w, s], [e, n]], { padding: 40, maxZoom: MAX_ZOOM });
      // at least two levels closer: the cells halve at each, so the cluster splits
      const to = Math.min(MAX_ZOOM, Math.max(zoom + 2, camera?.zoom ?? 0));
      this.map.easeTo({ center: camera?.center ?? [item.lon, item.lat], zoom: to });
      return;
    }
    // They share one spot (or nearly): list them (as the list has them: its bbox filter is the clusters')
    const f = this.filters!;
    const eps = 1e-6;
    const [w, s, e, n] = item.bounds;
    const q = viewQuery([w, s, e, n], MAX_ZOOM, f);
    const list = await api<IncidentList>(
      'GET',
      withQuery('/api/v1/incidents', { bbox: [w - eps, s - eps, e + eps, n + eps].map((x) => x.toFixed(6)).join(','), from: q.from, to: q.to, type: q.type, status: q.status, partyId: q.partyId, limit: LISTED }),
    );
    this.showPopup(
      [item.lon, item.lat],
      h(
        'div',
        { class: 'incident-popup', 'data-testid': 'cluster-popup' },
        h('div', { class: 'panel-title' }, `${item.count} incidents here`),
        h(
          'ul',
          { class: 'popup-list' },
          list.items.map((i) => h('li', {}, h('a', { href: href('/incident', { id: i.id }) }, `${eventTypeLabel(i.eventType)} · ${formatUtc(i.occurredFrom)}`), ` (${statusLabel(i.status).toLowerCase()})`)),
        ),
        item.count > list.items.length ? h('div', { class: 'muted small' }, `and ${item.count - list.items.length} more: see the incidents list`) : null,
      ),
    );
  }

  private async openIncident(id: string, at: [number, number]): Promise<void> {
    const i = await api<Incident>('GET', `/api/v1/incidents/${id}`);
    const parties = (ids: string[]): string => (ids.length ? ids.map((x) => this.opts.partyName(x)).join(', ') : 'not named');
    const killed = i.casualties?.killed?.best;
    this.showPopup(
      at,
      h(
        'div',
        { class: 'incident-popup', 'data-testid': 'incident-popup', 'data-incident-id': i.id },
        h('div', { class: 'popup-title' }, eventTypeLabel(i.eventType), h('span', { class: `status-badge status-${i.status}` }, statusLabel(i.status))),
        h('div', { class: 'muted small' }, formatUtc(i.occurredFrom), i.occurredTo !== i.occurredFrom ? ` – ${formatUtc(i.occurredTo)}` : ''),
        h('div', {}, i.pcodes?.adm3?.name ?? i.pcodes?.adm2?.name ?? i.pcodes?.adm1?.name ?? ''),
        h('div', { class: 'small' }, 'By: ', parties(i.perpetratorPartyIds)),
        h('div', { class: 'small' }, `${i.reportCount} report${i.reportCount === 1 ? '' : 's'}`, killed !== undefined ? ` · ${killed} killed` : ''),
        h('a', { href: href('/incident', { id: i.id }), class: 'popup-link' }, 'Open the incident →'),
      ),
    );
  }

  private showPopup(at: [number, number], content: HTMLElement): void {
    this.popup?.remove();
    this.popup = new Popup({ closeButton: true, maxWidth: '300px', offset: 12 }).setLngLat(at).setDOMContent(content).addTo(this.map);
  }

  destroy(): void {
    this.map.off('moveend', this.onMoveEnd);
    window.clearTimeout(this.timer);
    this.ctrl?.abort();
    this.busy = false;
    for (const m of this.markers) m.remove();
    this.popup?.remove();
    if (window.__truceIncidents) delete window.__truceIncidents;
  }
}
