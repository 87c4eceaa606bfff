// The in-memory index vetting reads: static R-trees (flatbush) over territory versions, sites
// (their boxes grown by the buffer) and corridors (grown by the width), with every geometry
// prepared for exact tests, and each party's status as a timeline. Built from a Snapshot;
// prepared geometries are kept across rebuilds (rows never change), so a rebuild after a
// write only re-packs the trees.
import Flatbush from 'flatbush';
import { metresToDegrees } from '../geo/geodesy.ts';
import { PreparedArea, PreparedLine, PreparedPoint, prepare, type BBox, type Position, type Shape } from '../geo/shapes.ts';
import { statusAt, type Status } from '../parties/status.ts';
import { territoryParts as partsOf, type PreparedCache } from '../geo/prepared.ts';
import type { CorridorData, PartyData, SiteData, Snapshot, TerritoryData } from './model.ts';

/**
 * One polygon of a territory version: a party's area can be a MultiPolygon of thousands of parts
 * spread over the whole map, so each part gets its own entry in the tree and its own prepared
 * geometry (small, built only where targets fall).
 */
export interface TerritoryEntry extends Omit<TerritoryData, 'polygons'> {
  /** The version's id and the part's index. */
  key: string;
  /** Exclusive end: the party's next version's validFrom (Infinity for the latest). */
  validTo: number;
  area: PreparedArea;
}
export interface SiteEntry extends SiteData {
  shape: Shape;
}
export interface CorridorEntry extends CorridorData {
  line: PreparedLine;
}

/** A party's status over time: breakpoints and the status from each one on. */
class Timeline {
  private times: number[] = [];
  private statuses: Status[] = [];
  constructor(p: PartyData) {
    const points = [...new Set([...p.events.map((e) => e.at.getTime()), ...p.designations.map((d) => (d.since ? d.since.getTime() : -Infinity))])].sort((a, b) => a - b);
    this.times.push(-Infinity);
    this.statuses.push(statusAt(p.designations, p.events, new Date(-8.64e15)));
    for (const t of points) {
      if (t === -Infinity) continue;
      this.times.push(t);
      this.statuses.push(statusAt(p.designations, p.events, new Date(t)));
    }
  }
  at(t: number): Status {
    let lo = 0;
    let hi = this.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.statuses[lo];
  }
}

/** Prepared geometries by row id: rows are immutable, so these survive every rebuild (shared per database: geo/prepared.ts). */
export type { PreparedCache };

/** A territory version's parts, each polygon prepared apart (once: the cache keeps them by the version's id). */
export function territoryParts(t: TerritoryData, cache: PreparedCache): PreparedArea[] {
  return partsOf(cache, t.id, t.polygons);
}

/**
 * The row without its coordinates, once its parts are prepared into the cache: what an index
 * holder keeps, so that a country's front lines are held once, in typed arrays, and not a second
 * time as millions of small JS arrays (issue 12: memory and garbage-collection pauses).
 */
export function withoutCoordinates(t: TerritoryData, cache: PreparedCache): TerritoryData {
  territoryParts(t, cache);
  return { ...t, polygons: [] };
}

function tree(boxes: BBox[]): Flatbush | null {
  if (!boxes.length) return null;
  const t = new Flatbush(boxes.length);
  for (const b of boxes) t.add(b.minX, b.minY, b.maxX, b.maxY);
  t.finish();
  return t;
}

function grow(b: BBox, m: number): BBox {
  if (m <= 0) return b;
  const { dLon, dLat } = metresToDegrees(Math.max(Math.abs(b.minY), Math.abs(b.maxY)), m);
  return { minX: b.minX - dLon, minY: b.minY - dLat, maxX: b.maxX + dLon, maxY: b.maxY + dLat };
}

export class VettingIndex {
  readonly version: number;
  readonly territories: TerritoryEntry[];
  /** The sites as given, and each one's entry once a search has returned it (see sitesIn). */
  private readonly siteData: SiteData[];
  private readonly siteEntries: (SiteEntry | undefined)[];
  readonly corridors: CorridorEntry[];
  readonly parties = new Map<string, { data: PartyData; timeline: Timeline }>();
  private readonly tTree: Flatbush | null;
  private readonly sTree: Flatbush | null;
  private readonly cTree: Flatbush | null;

  private constructor(s: Snapshot, cache: PreparedCache) {
    this.version = s.version;
    const get = <T extends object>(id: string, make: () => T): T => {
      let v = cache.get(id) as T | undefined;
      if (!v) cache.set(id, (v = make()));
      return v;
    };
    // a version holds until the same party's next one (by validFrom, then the order recorded)
    const byParty = new Map<string, TerritoryData[]>();
    for (const t of s.territories) byParty.set(t.partyId, [...(byParty.get(t.partyId) ?? []), t]);
    this.territories = [];
    for (const list of byParty.values()) {
      list.sort((a, b) => a.validFrom - b.validFrom || a.seq - b.seq);
      list.forEach((t, i) => {
        const validTo = i + 1 < list.length ? list[i + 1].validFrom : Infinity;
        if (validTo <= t.validFrom) return;
        territoryParts(t, cache).forEach((area, k) => {
          const { polygons: _, ...meta } = t;
          this.territories.push({ ...meta, key: `${t.id}#${k}`, validTo, area });
        });
      });
    }
    // A point site's entry is made when a search first returns it: after a restart, 100,000 entries
    // and their shapes made up front were a third of the build, and most are never near a target.
    // Areas are prepared now (their tree box is the prepared one's), into the shared cache.
    this.siteData = s.sites;
    this.siteEntries = new Array(s.sites.length);
    this.sTree = tree(
      s.sites.map((x, i) => {
        if (x.geometry.type !== 'Point') return grow((this.siteEntries[i] = this.entry(x, get(x.id, () => prepare(x.geometry)))).shape.bbox, x.bufferM);
        const [lon, lat] = x.geometry.coordinates;
        return grow({ minX: lon, minY: lat, maxX: lon, maxY: lat }, x.bufferM);
      }),
    );
    this.corridors = s.corridors.map((x) => ({ ...x, line: get(x.id, () => new PreparedLine(x.coordinates)) }));
    for (const p of s.parties) this.parties.set(p.id, { data: p, timeline: new Timeline(p) });
    this.tTree = tree(this.territories.map((t) => t.area.bbox));
    this.cTree = tree(this.corridors.map((x) => grow(x.line.bbox, x.widthM)));
  }

  // fields named, not spread: at full size spreading 100,000 sites was a fifth of the build
  private entry(x: SiteData, shape: Shape): SiteEntry {
    return { id: x.id, kind: x.kind, name: x.name, geometry: x.geometry, bufferM: x.bufferM, validFrom: x.validFrom, validTo: x.validTo, shape };
  }

  private site(i: number): SiteEntry {
    let e = this.siteEntries[i];
    if (!e) {
      const x = this.siteData[i];
      const [lon, lat] = x.geometry.coordinates as Position;
      this.siteEntries[i] = e = this.entry(x, new PreparedPoint(lon, lat));
    }
    return e;
  }

  static build(s: Snapshot, cache: PreparedCache = new Map()): VettingIndex {
    return new VettingIndex(s, cache);
  }

  statusAt(partyId: string, t: number): Status {
    return this.parties.get(partyId)?.timeline.at(t) ?? 'not_committed';
  }

  partyName(id: string): string {
    return this.parties.get(id)?.data.name ?? id;
  }

  /** Territory versions in force at t whose box meets b. */
  territoriesIn(b: BBox, t: number): TerritoryEntry[] {
    if (!this.tTree) return [];
    return this.tTree.search(b.minX, b.minY, b.maxX, b.maxY, (i) => this.territories[i].validFrom <= t && t < this.territories[i].validTo).map((i) => this.territories[i]);
  }

  /** Sites in force at t whose buffered box meets b. */
  sitesIn(b: BBox, t: number): SiteEntry[] {
    if (!this.sTree) return [];
    const d = this.siteData;
    return this.sTree.search(b.minX, b.minY, b.maxX, b.maxY, (i) => d[i].validFrom <= t && (d[i].validTo === null || t < d[i].validTo!)).map((i) => this.site(i));
  }

  /** Corridors whose window covers t (both ends included) and whose widened box meets b. */
  corridorsIn(b: BBox, t: number): CorridorEntry[] {
    if (!this.cTree) return [];
    return this.cTree.search(b.minX, b.minY, b.maxX, b.maxY, (i) => this.corridors[i].validFrom <= t && t <= this.corridors[i].validTo).map((i) => this.corridors[i]);
  }
}
