// Enrichment: what the reference data says about where and when a report happened. Stored with
// the report (reports.enrichment, enriched_at), apart from what was reported, and recomputed when
// the reference data changes (reenrich).
//  - pcodes: the OCHA units (adm1..adm3) the place lies in, none finer than the location's precision;
//  - territory: the party whose recorded area held the point at occurredAt, with its status then
//    (others whose areas held it too in alsoHeldBy); the most recently started version first;
//  - nearestSite: the nearest protected site in force at occurredAt, within siteSearchM;
//  - notifiedSiteHit: the nearest such site whose buffer holds the point and whose notification
//    leaf precedes occurredAt, with that leaf's index and its inclusion proof.
// Territory and sites are looked at only for a point (precision exact or near): a report known
// only to its district says nothing about which front line or hospital it was at.
//
// Fast in bulk: everything is read once into memory (Reference, with R-trees) and reused while
// the ledger shows no new leaf of a reference type; a batch costs two small queries to check
// that, plus one proof read per distinct site hit.
import canonicalize from 'canonicalize';
import Flatbush from 'flatbush';
import { loadConfig, type Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { metresToDegrees } from '../geo/geodesy.ts';
import { prepare, type PreparedArea, type Shape } from '../geo/shapes.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { entitiesBetween, firstLeavesOf, inclusionProof, logState, typesWrittenSince } from '../ledger/lookup.ts';
import { listCommitments, listDesignations, listParties, statusAt, type CommitmentRecord, type DesignationRecord } from '../parties/lookup.ts';
import { allSites, sitesOfEvents, sitesWithIds, type SiteRecord } from '../sites/lookup.ts';
import { listTerms } from '../terms/lookup.ts';
import { territoryWindows } from '../territory/lookup.ts';
import { filled, preparedCache, preparedTerritoryIds, territoryParts, type PreparedCache } from '../geo/prepared.ts';
import type { LocationPrecision } from './group.ts';
import { refreshIncident } from './grouping.store.ts';
import { loadPlaces, placeSettings, type AdminAt, type Place, type Resolution } from '../places/lookup.ts';
import * as store from './reports.store.ts';
import { NO_UNITS, type Units } from './summary.ts';

/** What enrichment asks the gazetteer (src/places/lookup.ts), synchronously: it is loaded once. */
export interface Gazetteer {
  adminAt(lon: number, lat: number): AdminAt;
  resolvePlace(name: string): Resolution;
}

/** How precise a gazetteer answer is as a report location: a unit as that unit; a town or neighbourhood near its point. */
export function placePrecision(m: Place): LocationPrecision {
  return m.kind === 'adm1' || m.kind === 'adm2' || m.kind === 'adm3' ? m.kind : 'near';
}

export interface SiteHit {
  siteId: string;
  notifiedAt: string;
  leafIndex: number;
  proof: { treeSize: number; rootHash: string; leafHash: string; path: string[] };
  /** Kept for who may see it (the notifying agency); not shown. */
  organisation: string | null;
  notifiedBy: string | null;
}

export interface NearestSite {
  siteId: string;
  name: string;
  distanceM: number;
  organisation: string | null;
  notifiedBy: string | null;
}

export interface Held {
  partyId: string;
  status: string;
  alsoHeldBy?: { partyId: string; status: string }[];
}

/** As stored in reports.enrichment. */
export interface Enrichment {
  pcodes: Units;
  territory: Held | null;
  nearestSite: NearestSite | null;
  notifiedSiteHit: SiteHit | null;
  located?: { placeName: string; name: string; pcode: string | null };
  placeCandidates?: { name: string; pcode: string | null; lon: number; lat: number }[];
}

/** The entity types enrichment reads: a new leaf of one of them makes the cached reference stale. */
export const REFERENCE_TYPES = ['territory', 'site', 'site_event', 'party', 'designation', 'commitment', 'terms'] as const;

interface TerritoryRef {
  id: string;
  partyId: string;
  seq: number;
  area: PreparedArea;
  from: number;
  to: number;
}

interface SiteRef {
  id: string;
  name: string;
  shape: Shape;
  bufferM: number;
  from: number;
  to: number;
  /** Rejected notifications never count; a withdrawal from its time on. */
  rejected: boolean;
  withdrawnAt: number;
  organisation: string | null;
  notifiedBy: string | null;
  leaf: { seq: number; at: Date } | null;
}

const NEVER = Number.POSITIVE_INFINITY;
/** Sites read and prepared at once when every site is read. */
const SITE_PAGE = 2_000;

/** A site's events as one string, to tell whether they changed between two references. */
const siteState = (s: SiteRecord) => s.events.map((e) => `${e.type}@${e.at.toISOString()}`).join(',');

/**
 * The sites prepared for lookups, each with its notification's leaf. A site's shape comes from
 * the database's cache when an index prepared it already, else from its geometry (read with the
 * site), and is kept there: a site's geometry never changes once notified.
 */
async function siteRefs(q: Queryable, sites: SiteRecord[], cache: PreparedCache): Promise<SiteRef[]> {
  const leaves = await firstLeavesOf(q, 'site', sites.map((s) => s.id), 'site.notified');
  const shapeOf = (s: SiteRecord): Shape => {
    let shape = cache.get(s.id) as Shape | undefined;
    if (!shape) cache.set(s.id, (shape = prepare(s.geometry as never)));
    return shape;
  };
  return sites.map((s) => ({
    id: s.id,
    name: s.name,
    shape: shapeOf(s),
    bufferM: s.bufferM,
    from: s.validFrom.getTime(),
    to: s.validTo ? s.validTo.getTime() : NEVER,
    rejected: s.events.some((e) => e.type === 'rejected'),
    withdrawnAt: Math.min(NEVER, ...s.events.filter((e) => e.type === 'withdrawn').map((e) => e.at.getTime())),
    organisation: s.organisation,
    notifiedBy: s.notifiedBy,
    leaf: leaves.has(s.id) ? { seq: leaves.get(s.id)!.seq, at: leaves.get(s.id)!.at } : null,
  }));
}

function rtree<T extends { bbox: { minX: number; minY: number; maxX: number; maxY: number } }>(xs: T[]): Flatbush {
  const index = new Flatbush(Math.max(1, xs.length));
  for (const x of xs) index.add(x.bbox.minX, x.bbox.minY, x.bbox.maxX, x.bbox.maxY);
  if (!xs.length) index.add(0, 0, 0, 0); // flatbush needs one item; searches check the list
  index.finish();
  return index;
}

/** The reference data at one ledger size, in memory. */
export class Reference {
  private readonly territoryIndex: Flatbush;
  private readonly siteIndex: Flatbush;
  private readonly maxBufferM: number;

  constructor(
    /** The ledger size the data was read at. */
    readonly version: number,
    readonly partyIds: Set<string>,
    /** The earliest time any terms existed (announced, else their earliest date); null without terms. */
    readonly termsSince: Date | null,
    private readonly territories: TerritoryRef[],
    private readonly sites: SiteRef[],
    private readonly commitments: Map<string, CommitmentRecord[]>,
    private readonly designations: Map<string, DesignationRecord[]>,
    /** Raw facts for diffing one reference with the next (what changed, from when). */
    readonly facts: { territories: Map<string, number>; sites: Map<string, string>; siteFrom: Map<string, number>; commitments: Map<string, number>; designations: Map<string, number> },
  ) {
    this.territoryIndex = rtree(territories.map((t) => ({ bbox: t.area.bbox })));
    this.siteIndex = rtree(sites.map((s) => ({ bbox: s.shape.bbox })));
    this.maxBufferM = sites.reduce((m, s) => Math.max(m, s.bufferM), 0); // no spread: 100,000 arguments
  }

  /**
   * `cache`: prepared territory parts and site shapes shared with every other index of the
   * database (neither ever changes); those it holds are not read again. `prev`: the reference this one follows; only the sites named by leaves since
   * its version are read and prepared again (at full size a whole reload was 100,000 sites on
   * the database's one thread, with vetting waiting behind it).
   */
  static async load(q: Queryable, cache: PreparedCache = new Map(), prev: Reference | null = null): Promise<Reference> {
    await filled(cache); // the vetting index may be reading every version's parts from its file right now
    const { size } = await logState(q);
    const [parties, terms, territories, commitments, designations] = [
      await listParties(q),
      await listTerms(q),
      await territoryWindows(q, preparedTerritoryIds(cache)),
      await listCommitments(q),
      await listDesignations(q),
    ];
    const { sites, states } = prev && prev.version <= size ? await prev.sitesSince(q, size, cache) : await Reference.allSiteRefs(q, cache);
    const earliest = terms.flatMap((t) => [t.announcedAt ?? t.commitmentDeadline, t.startsAt]).map((d) => d.getTime());
    const group = <T extends { partyId: string }>(xs: T[]) => {
      const m = new Map<string, T[]>();
      for (const x of xs) m.set(x.partyId, [...(m.get(x.partyId) ?? []), x]);
      return m;
    };
    return new Reference(
      size,
      new Set(parties.map((p) => p.id)),
      earliest.length ? new Date(Math.min(...earliest)) : null,
      // a version's polygons apart (each part its own box in the tree), as the vetting index keeps them
      territories.flatMap((t) =>
        territoryParts(cache, t.id, t.polygons ?? []).map((area) => ({
          id: t.id,
          partyId: t.partyId,
          seq: t.seq,
          area,
          from: t.validFrom.getTime(),
          to: t.validTo ? t.validTo.getTime() : NEVER,
        })),
      ),
      sites,
      group(commitments),
      group(designations),
      {
        territories: new Map(territories.map((t) => [t.id, t.validFrom.getTime()])),
        sites: states,
        siteFrom: new Map(sites.map((s) => [s.id, s.from])),
        commitments: new Map(commitments.map((c) => [c.id, c.at.getTime()])),
        designations: new Map(designations.map((d) => [d.id, d.since ? d.since.getTime() : Number.NEGATIVE_INFINITY])),
      },
    );
  }

  /** Every site, read and prepared a page at a time (at full size one read held PGlite's thread, and vetting, for seconds). */
  private static async allSiteRefs(q: Queryable, cache: PreparedCache): Promise<{ sites: SiteRef[]; states: Map<string, string> }> {
    const sites: SiteRef[] = [];
    const states = new Map<string, string>();
    for (let after = -1; ; ) {
      const page = await allSites(q, after, SITE_PAGE);
      for (const r of await siteRefs(q, page, cache)) sites.push(r);
      for (const s of page) states.set(s.id, siteState(s));
      if (page.length < SITE_PAGE) return { sites, states };
      after = page[page.length - 1].seq;
      await new Promise((r) => setImmediate(r)); // requests waiting on the loop go first
    }
  }

  /** This reference's sites with those notified, withdrawn or rejected in leaves from its version up to `size` read again. */
  private async sitesSince(q: Queryable, size: number, cache: PreparedCache): Promise<{ sites: SiteRef[]; states: Map<string, string> }> {
    const named = await entitiesBetween(q, this.version, size, ['site', 'site_event']);
    const ofEvents = await sitesOfEvents(q, named.filter((n) => n.type === 'site_event').map((n) => n.id));
    const ids = [...new Set(named.map((n) => (n.type === 'site' ? n.id : ofEvents.get(n.id))).filter((id): id is string => id !== undefined))];
    if (!ids.length) return { sites: this.sites, states: this.facts.sites };
    const records = await sitesWithIds(q, ids);
    const fresh = new Map((await siteRefs(q, records, cache)).map((r) => [r.id, r]));
    const states = new Map(this.facts.sites);
    for (const s of records) states.set(s.id, siteState(s));
    // the same order as a whole load (notification order): changed sites in place, new ones after
    const sites = this.sites.map((s) => fresh.get(s.id) ?? s);
    for (const s of records) if (!this.facts.sites.has(s.id)) sites.push(fresh.get(s.id)!);
    return { sites, states };
  }

  statusOf(partyId: string, at: Date): string {
    return statusAt(this.designations.get(partyId) ?? [], this.commitments.get(partyId) ?? [], at);
  }

  /** Whose recorded area held the point at `at`: the version started last first. */
  territoryAt(lon: number, lat: number, at: Date): Held | null {
    const t = at.getTime();
    const holding = this.territoryIndex
      .search(lon, lat, lon, lat)
      .map((i) => this.territories[i])
      .filter((v) => v && v.from <= t && t < v.to && v.area.contains(lon, lat))
      .sort((a, b) => b.from - a.from || b.seq - a.seq);
    if (!holding.length) return null;
    const seen = new Set<string>();
    const held = holding.filter((v) => !seen.has(v.partyId) && seen.add(v.partyId)).map((v) => ({ partyId: v.partyId, status: this.statusOf(v.partyId, at) }));
    return held.length > 1 ? { ...held[0], alsoHeldBy: held.slice(1) } : held[0];
  }

  /** The nearest site in force at `at` within searchM, and the nearest whose buffer holds the point and whose notification leaf came before `at`. */
  sitesAt(lon: number, lat: number, at: Date, searchM: number): { nearest: (NearestSite & { site: SiteRef }) | null; hit: SiteRef | null } {
    const t = at.getTime();
    const reach = Math.max(searchM, this.maxBufferM);
    const { dLon, dLat } = metresToDegrees(lat, reach);
    let nearest: (NearestSite & { site: SiteRef }) | null = null;
    let hit: { site: SiteRef; d: number } | null = null;
    for (const i of this.siteIndex.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const s = this.sites[i];
      if (!s || s.rejected || s.from > t || t >= s.to || t >= s.withdrawnAt) continue;
      const d = s.shape.distanceM(lon, lat, reach);
      if (d <= searchM && (!nearest || d < nearest.distanceM)) nearest = { siteId: s.id, name: s.name, distanceM: Math.round(d), organisation: s.organisation, notifiedBy: s.notifiedBy, site: s };
      if (d <= s.bufferM && s.leaf && s.leaf.at.getTime() < t && (!hit || d < hit.d)) hit = { site: s, d };
    }
    return { nearest, hit: hit?.site ?? null };
  }
}

/** Where and when, as enrichment reads a report. */
export interface Where {
  lon: number | null;
  lat: number | null;
  precision: LocationPrecision | null;
  at: Date;
  /** The units of the place the gazetteer located a place name as (else looked up at the point). */
  units?: Units;
}

const FINEST: Record<LocationPrecision, 0 | 1 | 2 | 3> = { exact: 3, near: 3, adm3: 3, adm2: 2, adm1: 1 };

/** Units no finer than the precision: a district-level report says nothing of its sub-district. */
function coarsen(u: Units, p: LocationPrecision): Units {
  const keep = FINEST[p];
  return { adm1: u.adm1, adm2: keep >= 2 ? u.adm2 : null, adm3: keep >= 3 ? u.adm3 : null };
}

/** An enrichment whose site hit still waits for its proof (attachProofs). */
export type Unproved = Omit<Enrichment, 'notifiedSiteHit'> & { hitSite: SiteRef | null };

/** The enrichment of one place (no I/O). */
export function enrichPlace(ref: Reference, gaz: Gazetteer, p: Where, siteSearchM: number): Unproved {
  if (p.lon === null || p.lat === null || !p.precision) return { pcodes: NO_UNITS, territory: null, nearestSite: null, hitSite: null };
  const pcodes = coarsen(p.units ?? gaz.adminAt(p.lon, p.lat), p.precision);
  if (p.precision !== 'exact' && p.precision !== 'near') return { pcodes, territory: null, nearestSite: null, hitSite: null };
  const { nearest, hit } = ref.sitesAt(p.lon, p.lat, p.at, siteSearchM);
  const nearestSite = nearest && { siteId: nearest.siteId, name: nearest.name, distanceM: nearest.distanceM, organisation: nearest.organisation, notifiedBy: nearest.notifiedBy };
  return { pcodes, territory: ref.territoryAt(p.lon, p.lat, p.at), nearestSite, hitSite: hit };
}

/** Fills in the proofs of the site hits: one proof read per distinct notification leaf, against the log's current size. */
export async function attachProofs(q: Queryable, xs: Unproved[]): Promise<Enrichment[]> {
  const leaves = [...new Set(xs.filter((x) => x.hitSite?.leaf).map((x) => x.hitSite!.leaf!.seq))];
  const proofs = new Map<number, SiteHit['proof']>();
  if (leaves.length) {
    const { size } = await logState(q);
    for (const seq of leaves) {
      const p = await inclusionProof(q, seq, size);
      proofs.set(seq, { treeSize: size, rootHash: p.rootHash.toString('hex'), leafHash: p.leafHash.toString('hex'), path: p.path.map((h) => h.toString('hex')) });
    }
  }
  return xs.map(({ hitSite, ...e }) => ({
    ...e,
    notifiedSiteHit:
      hitSite && hitSite.leaf
        ? { siteId: hitSite.id, notifiedAt: hitSite.leaf.at.toISOString(), leafIndex: hitSite.leaf.seq, proof: proofs.get(hitSite.leaf.seq)!, organisation: hitSite.organisation, notifiedBy: hitSite.notifiedBy }
        : null,
  }));
}

/**
 * The reference data of one database, kept in memory while the ledger shows no new leaf of a
 * reference type (checked on every use, so writes through any instance are seen).
 */
export class Enricher {
  private ref: Reference | null = null;
  private checkedTo = 0;
  private loading: Promise<Reference> | null = null;
  private places: Promise<Gazetteer> | null = null;

  constructor(
    private readonly config: Config,
    readonly siteSearchM: number = config.reportSiteSearchM,
    /** Prepared territory parts, shared with the other indexes of the database (geo/prepared.ts). */
    private readonly cache: PreparedCache = new Map(),
  ) {}

  /**
   * The gazetteer, read on first use: at full size its second of parsing and preparing at start
   * held up the first vetting decision after a restart (the reports' routes warm it once the
   * reference has loaded).
   */
  get gazetteer(): Promise<Gazetteer> {
    if (!this.places) {
      this.places = loadPlaces(placeSettings(this.config));
      this.places.catch(() => (this.places = null)); // reported where it is awaited; tried again next time
    }
    return this.places;
  }

  /** The current reference, and the one it replaced when the data had changed since. */
  async current(q: Queryable): Promise<{ ref: Reference; replaced: Reference | null }> {
    if (this.ref) {
      const { size } = await logState(q);
      if (!(await typesWrittenSince(q, this.checkedTo, REFERENCE_TYPES)).size) {
        this.checkedTo = size;
        return { ref: this.ref, replaced: null };
      }
    }
    const old = this.ref;
    this.loading ??= Reference.load(q, this.cache, this.ref).finally(() => (this.loading = null));
    const ref = await this.loading;
    if (!this.ref || ref.version >= this.ref.version) {
      this.ref = ref;
      this.checkedTo = ref.version;
    }
    return { ref: this.ref, replaced: old && old !== this.ref ? old : null };
  }

  async reference(q: Queryable): Promise<Reference> {
    return (await this.current(q)).ref;
  }
}

/**
 * From when on a change of reference data changes enrichments: the earliest time a new
 * territory version, site, withdrawal, commitment or designation takes effect; -Infinity
 * (everything) for a rejection or a designation without a start; null when nothing changed.
 */
export function changedSince(old: Reference, next: Reference): number | null {
  let since = Number.POSITIVE_INFINITY;
  const fresh = <K>(a: Map<K, unknown>, b: Map<K, number>) => {
    for (const [k, t] of b) if (!a.has(k)) since = Math.min(since, t);
  };
  fresh(old.facts.territories, next.facts.territories);
  fresh(old.facts.commitments, next.facts.commitments);
  fresh(old.facts.designations, next.facts.designations);
  for (const [id, state] of next.facts.sites) {
    if (!old.facts.sites.has(id)) since = Math.min(since, next.facts.siteFrom.get(id)!);
    else if (old.facts.sites.get(id) !== state) {
      const before = new Set(old.facts.sites.get(id)!.split(','));
      for (const e of state.split(',').filter((x) => x && !before.has(x))) {
        const [type, at] = e.split('@');
        since = Math.min(since, type === 'rejected' ? Number.NEGATIVE_INFINITY : Date.parse(at));
      }
    }
  }
  return since === Number.POSITIVE_INFINITY ? null : since;
}

const enrichers = new WeakMap<Db, Enricher>();

/** The enricher of a database (one per process and database: its cache is shared by routes, jobs and reenrich). */
export function enricherFor(db: Db, config: Config = loadConfig({})): Enricher {
  let e = enrichers.get(db);
  if (!e) enrichers.set(db, (e = new Enricher(config, config.reportSiteSearchM, preparedCache(db))));
  return e;
}

/** The same enrichment, ignoring proofs of an unchanged hit (a proof against a longer log is no news). */
function sameEnrichment(a: Enrichment, b: Enrichment): boolean {
  // canonical JSON: what jsonb gives back has its keys in another order
  const key = (e: Enrichment) => canonicalize([e.pcodes, e.territory, e.nearestSite ?? null, e.notifiedSiteHit ? [e.notifiedSiteHit.siteId, e.notifiedSiteHit.leafIndex] : null]);
  return key(a) === key(b);
}

/**
 * Recomputes the stored enrichment of the reports that happened at or after `since` (all when
 * omitted) with the reference data as it is now; call it after a territory, site or party
 * change (report-routes.ts does, on every such commit through this process). Incidents whose
 * reports' P-codes changed get their summary refreshed (a ledger leaf each). Returns how many
 * reports were read and how many changed.
 */
export async function reenrich(db: Db, opts: { since?: Date; chunk?: number } = {}): Promise<{ checked: number; changed: number }> {
  const enricher = enricherFor(db);
  const gaz = await enricher.gazetteer;
  let after = 0;
  let checked = 0;
  let changed = 0;
  for (;;) {
    const rows = await store.reportsToReenrich(db, { since: opts.since ?? null, afterSeq: after, limit: opts.chunk ?? 1000 });
    if (!rows.length) break;
    after = rows[rows.length - 1].seq;
    checked += rows.length;
    const ref = await enricher.reference(db);
    const fresh = await attachProofs(
      db,
      rows.map((r) => enrichPlace(ref, gaz, { lon: r.lon, lat: r.lat, precision: r.locationPrecision, at: r.occurredAt }, enricher.siteSearchM)),
    );
    const updates: { id: string; enrichment: Enrichment }[] = [];
    const incidents = new Set<string>();
    rows.forEach((r, i) => {
      const old = r.enrichment as Enrichment;
      const next: Enrichment = { ...old, ...fresh[i] };
      if (old.notifiedSiteHit && next.notifiedSiteHit && old.notifiedSiteHit.siteId === next.notifiedSiteHit.siteId && old.notifiedSiteHit.leafIndex === next.notifiedSiteHit.leafIndex) {
        next.notifiedSiteHit = old.notifiedSiteHit;
      }
      if (old.pcodes && sameEnrichment(old, next)) return;
      updates.push({ id: r.id, enrichment: next });
      if (r.incidentId && canonicalize(old.pcodes) !== canonicalize(next.pcodes)) incidents.add(r.incidentId);
    });
    if (!updates.length) continue;
    changed += updates.length;
    await write(
      db,
      SYSTEM,
      async (w) => {
        await store.updateEnrichments(w.q, updates);
        for (const id of incidents) {
          const row = await refreshIncident(w.q, id);
          if (row) w.record('incident.updated', 'incident', row);
        }
      },
      { allowEmpty: true }, // enrichment is derived, not recorded: only incident summaries get leaves
    );
  }
  return { checked, changed };
}
