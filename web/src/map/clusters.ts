// The incidents on the map, clustered with supercluster (kept free of DOM and MapLibre so the
// rules are tested in Node). Counts are exact: a cluster's number is supercluster's
// `point_count`, the true number of incidents under it (never the "1.2k" abbreviation), and
// every incident is counted once, under its id, however often the stream repeats it.
import type { BBox } from 'geojson';
import Supercluster, { type ClusterProperties } from 'supercluster';
import type { Incident } from '../types.ts';

/** What the map needs of an incident, per point. */
export interface IncidentProps {
  id: string;
  status: string;
  eventType: string;
  /** The first named perpetrator, for the colour by party. */
  partyId: string | null;
  reportCount: number;
}

export type MapItem =
  | { kind: 'cluster'; clusterId: number; count: number; lon: number; lat: number }
  | { kind: 'incident'; props: IncidentProps; lon: number; lat: number };

/** A time window [from, to): the day (or days) the map shows. */
export interface Window {
  from: Date;
  to: Date;
}

/** Whether an incident belongs on a map of `w`: it may have happened in it, and it was not merged away. */
export function belongs(incident: Incident, w: Window): boolean {
  if (incident.status === 'merged') return false;
  const from = Date.parse(incident.occurredFrom);
  const to = Date.parse(incident.occurredTo);
  return from < w.to.getTime() && to >= w.from.getTime();
}

/**
 * The incidents of the map's window, by id. Loaded from a list, then kept current by the
 * stream: an update of an incident that no longer belongs (merged, or moved out of the
 * window) removes it; one that now belongs adds it.
 */
export class IncidentSet {
  private readonly byId = new Map<string, Incident>();
  private version = 0;

  constructor(public window: Window) {}

  /** Replaces everything (a new window was loaded). */
  reset(window: Window, incidents: Incident[]): void {
    this.window = window;
    this.byId.clear();
    for (const i of incidents) if (belongs(i, window)) this.byId.set(i.id, i);
    this.version++;
  }

  /** Applies a changed incident; true when the map must be redrawn. */
  apply(incident: Incident): boolean {
    const had = this.byId.get(incident.id);
    if (!belongs(incident, this.window)) {
      if (!had) return false;
      this.byId.delete(incident.id);
    } else {
      // An older copy arriving late (a reconnect replays) must not undo a newer one.
      if (had && Date.parse(had.updatedAt) > Date.parse(incident.updatedAt)) return false;
      this.byId.set(incident.id, incident);
    }
    this.version++;
    return true;
  }

  remove(id: string): boolean {
    const gone = this.byId.delete(id);
    if (gone) this.version++;
    return gone;
  }

  get size(): number {
    return this.byId.size;
  }
  /** Changes whenever the content does (the cluster index is rebuilt only then). */
  get revision(): number {
    return this.version;
  }
  get(id: string): Incident | undefined {
    return this.byId.get(id);
  }
  all(): Incident[] {
    return [...this.byId.values()];
  }
  /** Incidents with a position: the ones on the map. */
  located(): Incident[] {
    return this.all().filter((i) => i.location);
  }
  /** Incidents known only by a place name still unresolved: counted beside the map, not on it. */
  unlocatedCount(): number {
    return this.all().filter((i) => !i.location).length;
  }
}

export const toProps = (i: Incident): IncidentProps => ({
  id: i.id,
  status: i.status,
  eventType: i.eventType,
  partyId: i.perpetratorPartyIds[0] ?? null,
  reportCount: i.reportCount,
});

/** Cluster radius in CSS pixels, and the zoom from which every incident stands alone. */
export const CLUSTER_RADIUS = 48;
export const CLUSTER_MAX_ZOOM = 14;

export function buildIndex(incidents: Incident[]): Supercluster<IncidentProps> {
  const index = new Supercluster<IncidentProps>({ radius: CLUSTER_RADIUS, maxZoom: CLUSTER_MAX_ZOOM, extent: 512 });
  index.load(
    incidents
      .filter((i) => i.location)
      .map((i) => ({ type: 'Feature' as const, geometry: i.location!, properties: toProps(i) })),
  );
  return index;
}

/** Clusters and single incidents in `bbox` [w, s, e, n] at `zoom` (floored: supercluster has one level per integer zoom). */
export function itemsIn(index: Supercluster<IncidentProps>, bbox: BBox, zoom: number): MapItem[] {
  const [w, s, e, n] = bbox;
  // Never past the index's last level: incidents on one spot stay one cluster there (listed on click).
  const z = Math.max(0, Math.min(Math.floor(zoom), CLUSTER_MAX_ZOOM));
  // Longitudes past ±180 (a map panned around the globe) are clamped: Syria never needs the wrap.
  const box: [number, number, number, number] = [Math.max(-180, w), Math.max(-85, s), Math.min(180, e), Math.min(85, n)];
  return index.getClusters(box, z).map((f): MapItem => {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties as IncidentProps | (ClusterProperties & Partial<IncidentProps>);
    if ('cluster' in p && p.cluster) return { kind: 'cluster', clusterId: p.cluster_id, count: p.point_count, lon, lat };
    return { kind: 'incident', props: p as IncidentProps, lon, lat };
  });
}

/** How many incidents the items stand for (clusters by their count): the total of the map. */
export const countOf = (items: MapItem[]): number => items.reduce((n, it) => n + (it.kind === 'cluster' ? it.count : 1), 0);
