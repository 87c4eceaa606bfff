// The gazetteer: every named place of the OCHA files and the GeoNames towns, indexed by folded
// name (normalise.ts), and the sub-district (adm3) index that says which units hold a point.
// Built once from plain data (data.ts reads it); no I/O here.
import Flatbush from 'flatbush';
import polylabel from 'polylabel';
import { geodesicDistanceM } from '../geo/geodesy.ts';
import { PreparedArea, type Position } from '../geo/shapes.ts';
import { MIN_SKELETON, match, matcher, nameKey, withoutMarkaz, type MatchTier, type NameKey } from './normalise.ts';

export type PlaceKind = 'adm1' | 'adm2' | 'adm3' | 'town' | 'neighbourhood';
export const PLACE_KINDS: readonly PlaceKind[] = ['adm1', 'adm2', 'adm3', 'town', 'neighbourhood'];
export type PlaceSource = 'ocha' | 'geonames' | 'ocha+geonames';

export interface AdminRef {
  code: string;
  name: string;
}

export interface AdminAt {
  adm1: AdminRef | null;
  adm2: AdminRef | null;
  adm3: AdminRef | null;
}

export interface Place {
  /** Stable within a data release: the P-code of a unit, `nbhd:<code>`, `geonames:<id>`, `ocha:<unit>:<level>` of an OCHA seat. */
  id: string;
  name: string;
  nameAr: string | null;
  kind: PlaceKind;
  /** An administrative unit's own P-code. */
  pcode: string | null;
  adm1: AdminRef | null;
  adm2: AdminRef | null;
  adm3: AdminRef | null;
  /** A point for the place: a town's position, a unit's seat (or the point deepest inside it). */
  lon: number;
  lat: number;
  population: number | null;
  source: PlaceSource;
  /** ISO 3166-1 alpha-3. */
  country: string;
  /** Other spellings it is known by (the GeoNames name of a merged town, a seat without "Markaz"). */
  aliases: string[];
}

export interface OchaFeature {
  type: 'Feature';
  properties: Record<string, any>;
  geometry: { type: string; coordinates: any };
}

export interface GeoNamesTown {
  id: string;
  name: string;
  country: string;
  featureCode: string;
  population: number | null;
  lon: number;
  lat: number;
}

export interface GazetteerSource {
  adm0: OchaFeature[];
  adm1: OchaFeature[];
  adm2: OchaFeature[];
  adm3: OchaFeature[];
  places: OchaFeature[];
  neighbourhoods: OchaFeature[];
  towns: GeoNamesTown[];
  townsRadiusKm: number;
  sameKm: number;
}

export interface Candidate extends Place {
  match: MatchTier;
}

/** resolve(): the place a name means, or the candidates a person must choose from. */
export type Resolution = { match: Place } | { candidates: Candidate[] };

const TIER_RANK: Record<MatchTier, number> = { exact: 0, variant: 1, prefix: 2, script: 3 };
const TIERS: MatchTier[] = ['exact', 'variant', 'prefix', 'script'];
const KIND_RANK: Record<PlaceKind, number> = { adm1: 0, adm2: 1, adm3: 2, town: 3, neighbourhood: 4 };
/** How precisely a kind locates: a neighbourhood most, a governorate least. */
const PRECISION: Record<PlaceKind, number> = { neighbourhood: 4, town: 3, adm3: 2, adm2: 1, adm1: 0 };

const polygonsOf = (g: { type: string; coordinates: any }): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []);

/** A point well inside the largest polygon (polylabel: the pole of inaccessibility), for units without a seat. */
function innerPoint(g: { type: string; coordinates: any }): [number, number] {
  let best: Position[][] | null = null;
  let bestSpan = -1;
  for (const rings of polygonsOf(g)) {
    const xs = rings[0].map((p) => p[0]);
    const ys = rings[0].map((p) => p[1]);
    const span = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (span > bestSpan) {
      bestSpan = span;
      best = rings;
    }
  }
  if (!best) throw new Error('a unit without a polygon');
  const [x, y] = polylabel(best as [number, number][][], 1e-3) // about 100 m: a point to show and measure from;
  return [round(x), round(y)];
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;

interface IndexedName {
  place: number;
  key: NameKey;
}

const ARABIC = /\p{Script=Arabic}/u;

/** A place's index and its match tier's rank. */
type Hit = [number, number];

/** Names whose resolution is kept. */
const RESOLVED_MAX = 10_000;

const NOWHERE: AdminAt = Object.freeze({ adm1: null, adm2: null, adm3: null });

export class Gazetteer {
  readonly places: Place[] = [];
  private readonly names: IndexedName[] = [];
  private readonly byKey = new Map<string, Set<number>>();
  private readonly byPattern = new Map<string, Set<number>>();
  private readonly bySkeleton = new Map<string, Set<number>>();
  /** Per place: has it a name in Latin letters, in Arabic? (The cross-script tier is for names only in the other script.) */
  private readonly scripts: { latin: boolean; arabic: boolean }[] = [];
  private readonly adm3Areas: PreparedArea[] = [];
  private readonly adm3At: AdminAt[] = [];
  private readonly tree: Flatbush;
  private readonly sameM: number;
  /** Answers of resolve(), as indices: small enough to keep many. */
  private readonly resolved = new Map<string, number | Hit[]>();

  constructor(src: GazetteerSource) {
    this.sameM = src.sameKm * 1000;
    const ref = (f: OchaFeature): AdminRef => Object.freeze({ code: String(f.properties.pcode), name: String(f.properties.name) });
    const adm1 = new Map(src.adm1.map((f) => [String(f.properties.pcode), f]));
    const adm2 = new Map(src.adm2.map((f) => [String(f.properties.pcode), f]));
    const adm3 = new Map(src.adm3.map((f) => [String(f.properties.pcode), f]));
    const refs = new Map<string, AdminRef>();
    for (const f of [...src.adm1, ...src.adm2, ...src.adm3]) refs.set(String(f.properties.pcode), ref(f));
    const unitAt = (code3: string | null): AdminAt => {
      const u = code3 ? adm3.get(code3) : undefined;
      if (!u) return NOWHERE;
      return Object.freeze({ adm1: refs.get(u.properties.adm1_pcode) ?? null, adm2: refs.get(u.properties.adm2_pcode) ?? null, adm3: refs.get(code3!)! });
    };

    // The point index: sub-districts in P-code order, so a point on a shared edge goes to the lower code.
    const units = [...adm3.values()].sort((a, b) => (a.properties.pcode < b.properties.pcode ? -1 : 1));
    this.tree = new Flatbush(Math.max(1, units.length));
    for (const u of units) {
      const area = new PreparedArea(polygonsOf(u.geometry));
      this.adm3Areas.push(area);
      this.adm3At.push(unitAt(String(u.properties.pcode)));
      this.tree.add(area.bbox.minX, area.bbox.minY, area.bbox.maxX, area.bbox.maxY);
    }
    if (!units.length) this.tree.add(0, 0, 0, 0);
    this.tree.finish();

    // Seats: the OCHA places are the centres of the governorates (level 0-1), districts (2) and sub-districts (2-3).
    const seats = new Map<string, [number, number]>();
    for (const p of src.places) {
      const { level, adm3_pcode: c3, adm1_pcode: c1 } = p.properties;
      const at = p.geometry.coordinates as [number, number];
      // the national capital is the seat of the governorate it lies in
      const gov = level === 0 ? this.adminAt(at[0], at[1]).adm1?.code : level === 1 ? c1 : null;
      if (gov && !seats.has(gov)) seats.set(gov, at);
      if (level >= 2 && c3) {
        if (!seats.has(c3)) seats.set(c3, at);
        const c2 = adm3.get(c3)?.properties.adm2_pcode;
        if (level === 2 && c2 && !seats.has(c2)) seats.set(c2, at);
      }
    }

    const country = String(src.adm0[0]?.properties.iso3 ?? ''); // ISO alpha-3 of the country the OCHA files describe
    const unitPlace = (kind: 'adm1' | 'adm2' | 'adm3', f: OchaFeature): Place => {
      const code = String(f.properties.pcode);
      const [lon, lat] = seats.get(code) ?? innerPoint(f.geometry);
      const at: AdminAt =
        kind === 'adm3' ? unitAt(code) : kind === 'adm2' ? { adm1: refs.get(f.properties.adm1_pcode) ?? null, adm2: refs.get(code)!, adm3: null } : { adm1: refs.get(code)!, adm2: null, adm3: null };
      const aliases = [withoutMarkaz(f.properties.name), f.properties.name_ar ? withoutMarkaz(f.properties.name_ar) : null].filter((x): x is string => !!x);
      return { id: code, name: String(f.properties.name), nameAr: f.properties.name_ar ?? null, kind, pcode: code, ...at, lon, lat, population: null, source: 'ocha', country, aliases };
    };
    for (const f of src.adm1) this.add(unitPlace('adm1', f));
    for (const f of src.adm2) this.add(unitPlace('adm2', f));
    for (const f of src.adm3) this.add(unitPlace('adm3', f));

    // OCHA seats as towns: named without "Markaz"; the Arabic name is the unit's when the names agree.
    const seen = new Set<string>();
    const ochaTowns: number[] = [];
    for (const p of src.places) {
      const { level, adm3_pcode: c3, adm1_pcode: c1 } = p.properties;
      const raw = String(p.properties.name);
      const name = withoutMarkaz(raw) ?? raw;
      const [lon, lat] = p.geometry.coordinates as [number, number];
      const unitCode = level >= 2 ? c3 : level === 1 ? c1 : null;
      let id = `ocha:${c3 ?? c1 ?? country}:${level}`;
      for (let k = 2; seen.has(id); k++) id = `ocha:${c3 ?? c1 ?? country}:${level}:${k}`;
      seen.add(id);
      const unit = unitCode ? (adm3.get(unitCode) ?? adm1.get(unitCode)) : src.adm1.find((f) => nameKey(f.properties.name).key === nameKey(name).key);
      const unitName = unit ? (withoutMarkaz(unit.properties.name) ?? unit.properties.name) : null;
      const agrees = unitName !== null && (match(nameKey(name), nameKey(unitName)) === 'exact' || match(nameKey(name), nameKey(unitName)) === 'variant');
      const ar = agrees && unit!.properties.name_ar ? (withoutMarkaz(unit!.properties.name_ar) ?? unit!.properties.name_ar) : null;
      const at = c3 ? unitAt(c3) : this.adminAt(lon, lat);
      ochaTowns.push(this.add({ id, name, nameAr: ar, kind: 'town', pcode: null, ...at, lon, lat, population: null, source: 'ocha', country, aliases: raw !== name ? [raw] : [] }));
    }

    for (const f of src.neighbourhoods) {
      const [lon, lat] = innerPoint(f.geometry);
      const at = f.properties.adm3_pcode ? unitAt(f.properties.adm3_pcode) : this.adminAt(lon, lat);
      this.add({ id: `nbhd:${f.properties.code}`, name: String(f.properties.name), nameAr: f.properties.name_ar ?? null, kind: 'neighbourhood', pcode: null, ...at, lon, lat, population: null, source: 'ocha', country, aliases: [] });
    }

    // GeoNames towns: the country's, and the neighbours' within the radius of its outline. A town
    // that an OCHA seat already names (same name, within sameKm) adds its population and spelling there.
    const outline = src.adm0.length ? new PreparedArea(src.adm0.flatMap((f) => polygonsOf(f.geometry))) : null;
    const radiusM = src.townsRadiusKm * 1000;
    for (const t of src.towns) {
      if (t.country !== country && !(outline && outline.distanceM(t.lon, t.lat, radiusM) <= radiusM)) continue;
      const k = nameKey(t.name);
      const dLat = this.sameM / 110_000;
      const dLon = this.sameM / 75_000; // 1° of longitude is 75 km or more up to 47° N
      const twin = ochaTowns
        .map((i) => this.places[i])
        .find(
          (p) =>
            Math.abs(p.lat - t.lat) <= dLat &&
            Math.abs(p.lon - t.lon) <= dLon &&
            [p.name, ...p.aliases].some((n) => ['exact', 'variant'].includes(match(k, nameKey(n)) ?? '')) &&
            geodesicDistanceM(p.lon, p.lat, t.lon, t.lat) <= this.sameM,
        );
      if (twin) {
        twin.population = Math.max(twin.population ?? 0, t.population ?? 0) || null;
        twin.source = 'ocha+geonames';
        if (!twin.aliases.includes(t.name)) {
          twin.aliases.push(t.name);
          this.index(this.places.indexOf(twin), t.name);
        }
        continue;
      }
      const at = this.adminAt(t.lon, t.lat);
      this.add({ id: `geonames:${t.id}`, name: t.name, nameAr: null, kind: 'town', pcode: null, ...at, lon: t.lon, lat: t.lat, population: t.population, source: 'geonames', country: t.country, aliases: [] });
    }
  }

  private add(p: Place): number {
    const i = this.places.push(p) - 1;
    for (const n of new Set([p.name, p.nameAr, ...p.aliases])) if (n) this.index(i, n);
    return i;
  }

  private index(place: number, name: string) {
    const key = nameKey(name);
    if (!key.key) return;
    this.names.push({ place, key });
    const sc = (this.scripts[place] ??= { latin: false, arabic: false });
    if (ARABIC.test(key.key)) sc.arabic = true;
    else sc.latin = true;
    const put = (m: Map<string, Set<number>>, k: string) => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(place);
    };
    put(this.byKey, key.key);
    if (!ARABIC.test(key.key)) {
      put(this.byPattern, key.pattern);
      if (key.skeleton.replace('*', '').length >= MIN_SKELETON) put(this.bySkeleton, key.skeleton);
    }
  }

  /**
   * The administrative units holding a point (boundaries included; on an edge shared by two
   * sub-districts, the lower P-code). No unit outside the sub-districts. Allocates nothing.
   */
  adminAt(lon: number, lat: number): AdminAt {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return NOWHERE;
    let best = -1;
    for (const i of this.tree.search(lon, lat, lon, lat)) if ((best < 0 || i < best) && this.adm3Areas[i].contains(lon, lat)) best = i;
    return best < 0 ? NOWHERE : this.adm3At[best];
  }

  /**
   * Places whose name matches q, best first: exact folded matches, then variant spellings, then
   * names a word of which starts with q, then (for a query in one script and a name only in the
   * other) the same consonants. Within a tier: larger population first, then governorate,
   * district, sub-district, town, neighbourhood, then the shorter name.
   */
  search(q: string, opts: { limit: number; kinds?: readonly PlaceKind[] }): Candidate[] {
    return this.candidates(this.hits(q, opts));
  }

  private hits(q: string, opts: { limit: number; kinds?: readonly PlaceKind[] }): Hit[] {
    const qk = nameKey(q);
    if (!qk.key) return [];
    const test = matcher(qk);
    const best = new Map<number, number>();
    for (const n of this.names) {
      const cur = best.get(n.place);
      if (cur === 0) continue;
      const t = test(n.key);
      if (!t || (t === 'script' && (qk.arabic ? this.scripts[n.place].arabic : this.scripts[n.place].latin))) continue;
      const rank = TIER_RANK[t];
      if (cur === undefined || rank < cur) best.set(n.place, rank);
    }
    const found: Hit[] = [];
    for (const [i, rank] of best) if (!opts.kinds || opts.kinds.includes(this.places[i].kind)) found.push([i, rank]);
    found.sort((a, b) => a[1] - b[1] || byRank(this.places[a[0]], this.places[b[0]]));
    return found.slice(0, opts.limit);
  }

  /** Copies: a caller may change what it gets without changing the index. */
  private place(i: number): Place {
    return { ...this.places[i], aliases: [...this.places[i].aliases] };
  }

  private candidates(hits: Hit[]): Candidate[] {
    return hits.map(([i, rank]) => ({ ...this.place(i), match: TIERS[rank] }));
  }

  /**
   * What a name (a report's place name) means, when it is unambiguous. The pool is the places
   * whose name matches exactly, or if none does, by a variant spelling. The pool is one place
   * named at several levels when the one chosen from it relates to every other: a unit that
   * holds it or that it holds, a town or neighbourhood within sameKm. Chosen: the most precise
   * town or neighbourhood (people name towns: "Homs" is the city, not the governorate), the
   * larger population among equals; with none, the largest unit (a district named like its
   * governorate claims no more precision than the name gave). Otherwise (two towns of one name,
   * a name known only by prefix, nothing) the caller gets the ranked candidates to choose from.
   */
  resolve(name: string, limit = 10): Resolution {
    // Reports repeat names: answers are kept (bounded; the index never changes once built).
    const key = `${limit}:${name}`;
    let r = this.resolved.get(key);
    if (r === undefined) {
      r = this.resolveOnce(name, limit);
      if (this.resolved.size >= RESOLVED_MAX) this.resolved.delete(this.resolved.keys().next().value!);
      if (name.length <= 200) this.resolved.set(key, r);
    }
    return typeof r === 'number' ? { match: this.place(r) } : { candidates: this.candidates(r) };
  }

  /** The index of the place meant, or the candidates' hits. */
  private resolveOnce(name: string, limit: number): number | Hit[] {
    const qk = nameKey(name);
    let pool = [...(this.byKey.get(qk.key) ?? [])];
    if (!pool.length && qk.key && !ARABIC.test(qk.key)) {
      const long = qk.skeleton.replace('*', '').length >= MIN_SKELETON;
      pool = [...new Set([...(this.byPattern.get(qk.pattern) ?? []), ...((long && this.bySkeleton.get(qk.skeleton)) || [])])];
    }
    if (pool.length) {
      const ps = pool.map((i) => this.places[i]);
      const at = new Map(ps.map((p, k) => [p, pool[k]]));
      const points = ps.filter((p) => !p.pcode);
      const chosen = points.length
        ? points.sort((a, b) => PRECISION[b.kind] - PRECISION[a.kind] || (b.population ?? 0) - (a.population ?? 0) || (a.id < b.id ? -1 : 1))[0]
        : [...ps].sort((a, b) => PRECISION[a.kind] - PRECISION[b.kind] || (a.id < b.id ? -1 : 1))[0];
      const codes = (p: Place) => [p.adm1?.code, p.adm2?.code, p.adm3?.code, p.pcode];
      const oneWith = (c: Place) =>
        c === chosen ||
        (c.pcode ? codes(chosen).includes(c.pcode) || (!!chosen.pcode && codes(c).includes(chosen.pcode)) : geodesicDistanceM(c.lon, c.lat, chosen.lon, chosen.lat) <= this.sameM);
      if (ps.every(oneWith)) return at.get(chosen)!;
    }
    return this.hits(name, { limit });
  }

  get size(): number {
    return this.places.length;
  }
}

/** Within a tier: larger population, then coarser kind, then shorter name. */
function byRank(a: Place, b: Place): number {
  return (
    (b.population ?? 0) - (a.population ?? 0) ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    a.name.length - b.name.length ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.id < b.id ? -1 : 1)
  );
}
