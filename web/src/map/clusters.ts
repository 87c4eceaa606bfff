// The incidents on the map as the server clusters them (GET /api/v1/incidents/clusters): what to
// ask for a view, and what the answer draws (kept free of DOM and MapLibre so the rules are tested
// in Node). Counts are exact: the server cuts the view into cells and counts each incident of the
// view in one cell, so the numbers drawn add up to the incidents in the view, at every zoom,
// however many there are (a million: the browser never holds them, only a screenful of cells).
import type { IncidentCluster, IncidentClusters } from '../types.ts';

/** What a single incident's marker needs. */
export interface IncidentProps {
  id: string;
  status: string;
  eventType: string;
  /** The first named perpetrator, for the colour by party. */
  partyId: string | null;
}

export type MapItem =
  | { kind: 'cluster'; count: number; lon: number; lat: number; bounds: [number, number, number, number] }
  | { kind: 'incident'; props: IncidentProps; lon: number; lat: number };

/** A time window [from, to): the day (or days) the map shows. */
export interface Window {
  from: Date;
  to: Date;
}

/** The map's filters: the slider's window, and optionally a type, a status and a party. */
export interface MapFilters extends Window {
  type?: string | null;
  status?: string | null;
  partyId?: string | null;
}

/** The view is asked for with this margin on each side, so markers do not pop in at the edges while panning. */
export const VIEW_PAD = 0.25;
/** The server's grid stops here; past it a cluster is incidents on (nearly) one spot, listed on click. */
export const MAX_ZOOM = 18;

const round = (x: number, up: boolean) => (up ? Math.ceil(x * 1e5) : Math.floor(x * 1e5)) / 1e5;

/** The query for a view [w, s, e, n] at a zoom: the view with its margin (clamped to the world), the zoom floored, the filters. */
export function viewQuery(view: [number, number, number, number], zoom: number, f: MapFilters): Record<string, string> {
  const [w, s, e, n] = view;
  const padX = (e - w) * VIEW_PAD;
  const padY = (n - s) * VIEW_PAD;
  // outwards to 5 decimals (a metre): a short URL that still covers the view
  const bbox = [round(Math.max(-180, w - padX), false), round(Math.max(-85, s - padY), false), round(Math.min(180, e + padX), true), round(Math.min(85, n + padY), true)];
  const q: Record<string, string> = {
    bbox: bbox.join(','),
    zoom: String(Math.max(0, Math.min(MAX_ZOOM, Math.floor(zoom)))),
    from: f.from.toISOString(),
    // the window is [from, to): the API's `to` is inclusive
    to: new Date(f.to.getTime() - 1).toISOString(),
  };
  if (f.type) q.type = f.type;
  if (f.status) q.status = f.status;
  if (f.partyId) q.partyId = f.partyId;
  return q;
}

/** The answer as markers: a cluster of one is its incident. */
export function itemsOf(res: IncidentClusters): MapItem[] {
  return res.clusters.map((c: IncidentCluster): MapItem =>
    c.count === 1 && c.incident
      ? { kind: 'incident', props: { id: c.incident.id, status: c.incident.status, eventType: c.incident.eventType, partyId: c.incident.partyId }, lon: c.lon, lat: c.lat }
      : { kind: 'cluster', count: c.count, lon: c.lon, lat: c.lat, bounds: c.bounds },
  );
}

/** How many incidents the items stand for (clusters by their count). */
export const countOf = (items: MapItem[]): number => items.reduce((n, it) => n + (it.kind === 'cluster' ? it.count : 1), 0);

/** Whether a cluster's incidents share one spot (nearly): zooming cannot split it, so it is listed. */
export const oneSpot = (b: [number, number, number, number]): boolean => b[2] - b[0] < 1e-5 && b[3] - b[1] < 1e-5;

/** The marker's side in pixels: the area grows with the count (the number is always exact). */
export const clusterSize = (count: number): number => Math.round(26 + Math.min(30, Math.log10(count) * 14));

/** "1234": never abbreviated; with thin spaces past 9,999 so a large count stays readable. */
export const countLabel = (count: number): string => (count < 10_000 ? String(count) : count.toLocaleString('en-GB').replace(/,/g, '\u2009'));
