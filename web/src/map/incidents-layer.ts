// The incidents on a MapLibre map: supercluster's clusters (map/clusters.ts) drawn as HTML
// markers, because the offline style has no glyphs to print a count with. A cluster shows
// its exact count; clicking it zooms in until it splits, or lists its incidents where they
// share one spot. A single incident opens a summary with a link to its page.
import { Marker, Popup, type MapLibreMap } from 'maplibre-gl';
import type Supercluster from 'supercluster';
import { eventTypeLabel, statusLabel } from '../desk/labels.ts';
import { href } from '../router.ts';
import type { Incident } from '../types.ts';
import { h } from '../ui/dom.ts';
import { formatUtc } from '../ui/format.ts';
import { buildIndex, CLUSTER_MAX_ZOOM, countOf, itemsIn, type IncidentProps, type IncidentSet, type MapItem } from './clusters.ts';

export interface IncidentsLayerOptions {
  /** The colour of a single incident's marker. */
  colourOf(props: IncidentProps): string;
  /** A party's name, for the summaries. */
  partyName(id: string): string;
}

declare global {
  interface Window {
    /** The incidents layer, for tests: what is on the map now. */
    __truceIncidents?: { total(): number; drawn(): number; items(): MapItem[] };
  }
}

export class IncidentsLayer {
  private index: Supercluster<IncidentProps> | null = null;
  private indexed = -1;
  private markers: Marker[] = [];
  private items: MapItem[] = [];
  private popup: Popup | null = null;
  private readonly onMoveEnd = (): void => this.draw();

  constructor(
    private readonly map: MapLibreMap,
    private set: IncidentSet,
    private readonly opts: IncidentsLayerOptions,
  ) {
    map.on('moveend', this.onMoveEnd);
    window.__truceIncidents = { total: () => this.set.located().length, drawn: () => countOf(this.items), items: () => this.items };
  }

  /** Redraws after the set changed (a new day, or a live update). */
  refresh(set: IncidentSet = this.set): void {
    this.set = set;
    if (this.indexed !== set.revision || !this.index) {
      this.index = buildIndex(set.located());
      this.indexed = set.revision;
    }
    this.draw();
  }

  /** Colours changed (the party toggle): redraw without re-indexing. */
  recolour(): void {
    this.draw();
  }

  private draw(): void {
    if (!this.index) return;
    const b = this.map.getBounds();
    // A margin around the view so markers do not pop in at the edges while panning.
    const padX = (b.getEast() - b.getWest()) * 0.25;
    const padY = (b.getNorth() - b.getSouth()) * 0.25;
    this.items = itemsIn(this.index, [b.getWest() - padX, b.getSouth() - padY, b.getEast() + padX, b.getNorth() + padY], this.map.getZoom());
    for (const m of this.markers) m.remove();
    this.markers = this.items.map((item) => new Marker({ element: this.element(item) }).setLngLat([item.lon, item.lat]).addTo(this.map));
    this.map.getContainer().dataset.incidents = String(countOf(this.items));
  }

  private element(item: MapItem): HTMLElement {
    if (item.kind === 'cluster') {
      // Area grows with the count; the number is always exact.
      const size = Math.round(26 + Math.min(30, Math.log10(item.count) * 14));
      return h(
        'button',
        {
          type: 'button',
          class: 'incident-cluster',
          style: `width: ${size}px; height: ${size}px`,
          'data-count': item.count,
          'aria-label': `${item.count} incidents: zoom in`,
          onclick: (ev: MouseEvent) => (ev.stopPropagation(), this.openCluster(item)),
        },
        String(item.count),
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
      onclick: (ev: MouseEvent) => (ev.stopPropagation(), this.openIncident(p.id, [item.lon, item.lat])),
    });
  }

  private openCluster(item: Extract<MapItem, { kind: 'cluster' }>): void {
    const index = this.index!;
    const zoom = index.getClusterExpansionZoom(item.clusterId);
    if (zoom <= CLUSTER_MAX_ZOOM && zoom > this.map.getZoom()) {
      this.map.easeTo({ center: [item.lon, item.lat], zoom });
      return;
    }
    // They share one spot (or nearly): list them.
    const leaves = index.getLeaves(item.clusterId, Infinity).map((f) => this.set.get(f.properties.id)).filter((i): i is Incident => Boolean(i));
    this.showPopup(
      [item.lon, item.lat],
      h(
        'div',
        { class: 'incident-popup', 'data-testid': 'cluster-popup' },
        h('div', { class: 'panel-title' }, `${item.count} incidents here`),
        h('ul', { class: 'popup-list' }, leaves.map((i) => h('li', {}, h('a', { href: href('/incident', { id: i.id }) }, `${eventTypeLabel(i.eventType)} · ${formatUtc(i.occurredFrom)}`), ` (${statusLabel(i.status).toLowerCase()})`))),
      ),
    );
  }

  private openIncident(id: string, at: [number, number]): void {
    const i = this.set.get(id);
    if (!i) return;
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
    for (const m of this.markers) m.remove();
    this.popup?.remove();
    if (window.__truceIncidents) delete window.__truceIncidents;
  }
}
