// The seeded generator of a large desk: N incidents over Syria, the same every run (bench and
// test data only). Spread as a conflict map looks: three in four around towns (the 266 OCHA seats
// of reference/syria/places.geojson, the cities far denser than the sub-district seats), one in
// four along some 800 km of front lines (Aleppo, Idlib–Hama, the Ghouta, Daraa, the Euphrates,
// the Palmyra desert, the northern border strip). Dates 2012–2024 (most in 2013–2018) with the
// precision windows reports carry (an instant, a day, a week, a month); ACLED-vocabulary event
// types; perpetrator and target parties from the demo parties; casualties; the P-codes (adm1–3)
// of the nearest seat, coarsened to the location's precision; statuses, grades and publication in
// plausible shares; a few requests for information (half of them to a party not named: a liaison's view), and a
// few merged incidents. Inserted by bulk SQL (src/incidents/store.ts insertIncidentsBulk) without
// reports or ledger leaves: `truce verify` knows nothing of them.
//
// Deterministic per block of BLOCK incidents (each block has its own seed), so the data of a
// given (n, seed) is the same whatever the insert chunking or concurrency.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/db/db.ts';
import { vacuumAnalyze } from '../../src/db/statements.ts';
import { DEMO_PARTIES } from '../../src/demo/syria2016.ts';
import { EVENT_TYPES } from '../../src/incidents/acled.ts';
import { insertIncidentsBulk, withIncidentIndexesRebuilt, type IncidentColumns } from '../../src/incidents/store.ts';
import { rng } from '../../test/support/random.ts';

export const BLOCK = 10_000;
export const DEFAULT_SEED = 20160227;

const REFERENCE = path.resolve(import.meta.dirname, '../../reference/syria');
const read = (name: string) => JSON.parse(fs.readFileSync(path.join(REFERENCE, `${name}.geojson`), 'utf8')).features as { properties: Record<string, any>; geometry: any }[];

interface Seat {
  lon: number;
  lat: number;
  /** Weight of the draw (cities heavier) and the spread around the seat, in km. */
  weight: number;
  sigmaKm: number;
  /** Index into the P-code table for each precision: adm3 (exact, near, adm3), adm2, adm1. */
  unit3: number;
  unit2: number;
  unit1: number;
}

interface Reference {
  seats: Seat[];
  cumulative: Float64Array;
  pcodes: string[];
  lines: { pts: [number, number][]; cum: number[]; len: number }[];
  lineCum: number[];
}

/** Front lines, roughly as they ran in the war's busy years: [lon, lat] vertices. */
const FRONT_LINES: [number, number][][] = [
  [[36.95, 36.3], [37.1, 36.25], [37.25, 36.18], [37.35, 36.1]], // Aleppo
  [[36.2, 35.95], [36.45, 35.75], [36.7, 35.55], [36.9, 35.4], [37.1, 35.3]], // Idlib–Hama
  [[36.3, 33.6], [36.4, 33.57], [36.45, 33.5], [36.35, 33.45]], // eastern Ghouta
  [[35.85, 33.1], [36.0, 32.85], [36.1, 32.62], [36.3, 32.55]], // Quneitra–Daraa
  [[39.0, 35.95], [39.6, 35.65], [40.15, 35.33], [40.55, 34.95], [40.92, 34.45]], // the Euphrates
  [[37.6, 34.6], [38.27, 34.55], [38.9, 34.6]], // Palmyra desert
  [[36.85, 36.55], [37.3, 36.55], [37.95, 36.52]], // northern border strip
];

let cached: Reference | null = null;

function reference(): Reference {
  if (cached) return cached;
  const names = new Map<string, string>();
  for (const level of ['adm1', 'adm2', 'adm3']) for (const f of read(level)) names.set(f.properties.pcode, f.properties.name);
  const pcodes: string[] = [];
  const unitIndex = new Map<string, number>();
  const unit = (u: Record<string, { code: string; name: string } | null>) => {
    const key = JSON.stringify(u);
    if (!unitIndex.has(key)) unitIndex.set(key, pcodes.push(key) - 1);
    return unitIndex.get(key)!;
  };
  const ref = (code: string) => ({ code, name: names.get(code) ?? code });
  const places = read('places').map((f) => ({ lon: f.geometry.coordinates[0] as number, lat: f.geometry.coordinates[1] as number, level: f.properties.level as number, adm3: f.properties.adm3_pcode as string | null }));
  const withUnit = places.filter((p) => p.adm3 && names.has(p.adm3));
  const seats: Seat[] = places.map((p) => {
    // a governorate's seat (or Damascus) takes the sub-district of the nearest sub-district seat
    const adm3 = p.adm3 && names.has(p.adm3) ? p.adm3 : withUnit.reduce((a, b) => ((a.lon - p.lon) ** 2 + (a.lat - p.lat) ** 2 <= (b.lon - p.lon) ** 2 + (b.lat - p.lat) ** 2 ? a : b)).adm3!;
    const [a1, a2] = [adm3.slice(0, 4), adm3.slice(0, 6)];
    return {
      lon: p.lon,
      lat: p.lat,
      weight: [60, 14, 4, 1][p.level] ?? 1,
      sigmaKm: [7, 5, 3, 2][p.level] ?? 2,
      unit3: unit({ adm1: ref(a1), adm2: ref(a2), adm3: ref(adm3) }),
      unit2: unit({ adm1: ref(a1), adm2: ref(a2), adm3: null }),
      unit1: unit({ adm1: ref(a1), adm2: null, adm3: null }),
    };
  });
  const cumulative = new Float64Array(seats.length);
  seats.reduce((s, x, i) => (cumulative[i] = s + x.weight), 0);
  const lines = FRONT_LINES.map((pts) => {
    const cum = [0];
    for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1] + Math.hypot((pts[i][0] - pts[i - 1][0]) * Math.cos((pts[i][1] * Math.PI) / 180), pts[i][1] - pts[i - 1][1]) * 111.32);
    return { pts, cum, len: cum[cum.length - 1] };
  });
  const lineCum: number[] = [];
  lines.reduce((s, l, i) => (lineCum[i] = s + l.len), 0);
  cached = { seats, cumulative, pcodes, lines, lineCum };
  return cached;
}

/** Total length of the front lines, km. */
export const frontLineKm = () => reference().lineCum.at(-1)!;

const pickCum = (cum: ArrayLike<number>, x: number) => {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

function weighted<T extends string>(table: [T, number][]): (r: number) => T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  const cum = table.map(([, w], i) => table.slice(0, i + 1).reduce((s, [, x]) => s + x, 0) / total);
  return (r) => table[pickCum(cum, r)][0];
}

const EVENT = weighted<(typeof EVENT_TYPES)[number]>([
  ['shelling', 30], ['airstrike', 25], ['ground_attack', 15], ['attack_on_civilians', 8], ['sniper_fire', 6],
  ['siege_or_aid_denial', 4], ['position_enhancement', 4], ['cross_border_fire', 3], ['other', 4], ['arms_transfer', 1],
]);
const STATUS = weighted([['reported', 25], ['under_review', 15], ['verified', 28], ['unverified', 11], ['disputed', 10], ['discounted', 9], ['merged', 2]] as [string, number][]);
const GRADE: Record<string, (r: number) => string> = {
  verified: weighted([['confirmed', 45], ['fair', 55]] as [string, number][]),
  unverified: weighted([['weak', 80], ['fair', 20]] as [string, number][]),
  disputed: weighted([['contested', 90], ['weak', 10]] as [string, number][]),
  discounted: () => 'discounted',
};
const PRECISION = weighted([['exact', 70], ['near', 20], ['adm3', 6], ['adm2', 3], ['adm1', 1]] as [string, number][]);
const YEARS: [number, number][] = [[2012, 6], [2013, 12], [2014, 13], [2015, 14], [2016, 14], [2017, 11], [2018, 10], [2019, 7], [2020, 5], [2021, 3], [2022, 2], [2023, 2], [2024, 1.5]];
const YEAR = weighted(YEARS.map(([y, w]) => [String(y), w] as [string, number]));
const PERPETRATOR = weighted([
  ['saaf', 25], ['vks', 15], ['isil', 10], ['nusra', 8], ['fsa', 8], ['ahrar', 6], ['sdf', 6], ['cjtf', 6], ['jai', 4], ['tsk', 4], ['hzb', 4], ['ndf', 4],
] as [string, number][]);
const GOVERNMENT = new Set(['saaf', 'vks', 'hzb', 'ndf', 'rus']);
const DAY = 86_400_000;
export const START = Date.UTC(2012, 0, 1);
export const END = Date.UTC(2025, 0, 1);

const PARTY_ID = new Map(DEMO_PARTIES.map((p) => [p.key, p.id]));

function uuid(r: () => number): string {
  let h = '';
  for (let i = 0; i < 8; i++) h += Math.floor(r() * 0x10000).toString(16).padStart(4, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(r() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A normal draw (Box–Muller). */
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** The incidents of block `b` (indices b*BLOCK .. b*BLOCK+count-1) of the seeded desk. */
export function generateBlock(b: number, count: number, seed = DEFAULT_SEED): IncidentColumns {
  const ref = reference();
  const r = rng((seed ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0);
  const parties: string[] = [];
  const partyIndex = new Map<string, number>();
  const set = (keys: string[]) => {
    const lit = `{${keys.map((k) => PARTY_ID.get(k)!).join(',')}}`;
    if (!partyIndex.has(lit)) partyIndex.set(lit, parties.push(lit) - 1);
    return partyIndex.get(lit)!;
  };
  const c: IncidentColumns = {
    id: [], status: [], grade: [], eventType: [], from: [], to: [], lon: [], lat: [], precision: [], unit: [], pcodes: ref.pcodes,
    perpetrators: [], targets: [], parties, killed: [], injured: [], mergedInto: [], publishedAt: [], requestIncident: [], requestParty: [],
  };
  const total = ref.cumulative[ref.cumulative.length - 1];
  const partyKeys = [...PARTY_ID.keys()];
  for (let i = 0; i < count; i++) {
    const id = uuid(r);
    // where: around a seat, or along a front line (and the nearest seat's units)
    let lon: number;
    let lat: number;
    let seat: Seat;
    if (r() < 0.75) {
      seat = ref.seats[pickCum(ref.cumulative, r() * total)];
      const s = seat.sigmaKm;
      lon = seat.lon + (gauss(r) * s) / (111.32 * Math.cos((seat.lat * Math.PI) / 180));
      lat = seat.lat + (gauss(r) * s) / 111.32;
    } else {
      const at = r() * ref.lineCum.at(-1)!;
      const li = pickCum(ref.lineCum, at);
      const line = ref.lines[li];
      const along = at - (li ? ref.lineCum[li - 1] : 0);
      const k = Math.max(1, pickCum(line.cum, along));
      const t = (along - line.cum[k - 1]) / (line.cum[k] - line.cum[k - 1] || 1);
      const [a, z] = [line.pts[k - 1], line.pts[k]];
      lon = a[0] + t * (z[0] - a[0]) + (gauss(r) * 2) / 95;
      lat = a[1] + t * (z[1] - a[1]) + (gauss(r) * 2) / 111.32;
      seat = ref.seats.reduce((best, x) => ((x.lon - lon) ** 2 + (x.lat - lat) ** 2 < (best.lon - lon) ** 2 + (best.lat - lat) ** 2 ? x : best));
    }
    const precision = PRECISION(r());
    // when: a year by the war's intensity, then a window as precise as the report
    const year = Number(YEAR(r()));
    const yearStart = Date.UTC(year, 0, 1);
    const from0 = yearStart + Math.floor(r() * (Date.UTC(year + 1, 0, 1) - yearStart));
    const w = r();
    let from = from0;
    let to = from0;
    if (w >= 0.5) {
      from = Math.floor(from0 / DAY) * DAY;
      to = from + (w < 0.8 ? DAY : w < 0.95 ? 7 * DAY : 30 * DAY) - 1000;
    }
    to = Math.min(to, END - 1000);
    // who
    const perp = PERPETRATOR(r());
    const perps = r() < 0.12 ? [perp, GOVERNMENT.has(perp) ? (perp === 'vks' ? 'saaf' : 'vks') : perp === 'nusra' ? 'ahrar' : 'nusra'] : [perp];
    const unique = [...new Set(perps)].sort();
    let targets: string[] = [];
    if (r() < 0.6) {
      const side = GOVERNMENT.has(perp) ? ['fsa', 'jai', 'ahrar', 'nusra', 'isil', 'sdf'] : ['saaf', 'ndf', 'hzb', 'sdf'];
      const tgt = side[Math.floor(r() * side.length)];
      if (!unique.includes(tgt)) targets = [tgt];
    }
    // what became of it
    let status = STATUS(r());
    let merged: string | null = null;
    if (status === 'merged') {
      // into an earlier incident of the block that is not merged itself
      const j = c.id.length ? Math.floor(r() * c.id.length) : -1;
      if (j >= 0 && c.status[j] !== 'merged') merged = c.id[j];
      else status = 'reported';
    }
    const grade = GRADE[status]?.(r()) ?? null;
    const published = grade !== null && r() < 0.6 ? to + Math.floor((1 + r() * 30) * DAY) : null;
    const killed = r() < 0.55 ? Math.floor(Math.exp(r() * 4.6)) : 0;
    const injured = r() < 0.5 ? Math.floor(Math.exp(r() * 5)) : 0;
    c.id.push(id);
    c.status.push(status);
    c.grade.push(grade);
    c.eventType.push(EVENT(r()));
    c.from.push(from);
    c.to.push(to);
    // a unit-level report without a point now and then
    const located = precision === 'exact' || precision === 'near' || r() < 0.7;
    c.lon.push(located ? Math.round(lon * 1e6) / 1e6 : null);
    c.lat.push(located ? Math.round(lat * 1e6) / 1e6 : null);
    c.precision.push(precision);
    c.unit.push(precision === 'adm1' ? seat.unit1 : precision === 'adm2' ? seat.unit2 : seat.unit3);
    c.perpetrators.push(set(unique));
    c.targets.push(set(targets));
    c.killed.push(killed);
    c.injured.push(injured);
    c.mergedInto.push(merged);
    c.publishedAt.push(published);
    // one in fifty asks a party for information: the perpetrator named, or (half the time) a party it does not name
    if (r() < 0.02) {
      const others = partyKeys.filter((k) => !unique.includes(k) && !targets.includes(k));
      c.requestIncident.push(id);
      c.requestParty.push(PARTY_ID.get(r() < 0.5 ? unique[0] : others[Math.floor(r() * others.length)])!);
    }
  }
  return c;
}

export interface SeedOptions {
  seed?: number;
  /** Statements in flight at once (PostgreSQL; PGlite runs one at a time anyway). */
  concurrency?: number;
  onProgress?: (done: number) => void;
  /** From this many incidents on, drop the secondary indexes while seeding and build them after (default 100,000). */
  rebuildIndexesFrom?: number;
}

/** Inserts N seeded incidents (blocks of BLOCK, in parallel on PostgreSQL), then ANALYZE. Returns the time taken, ms. */
export async function seedIncidents(db: Db, n: number, o: SeedOptions = {}): Promise<number> {
  const t0 = performance.now();
  const blocks = Math.ceil(n / BLOCK);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < blocks) {
      const b = next++;
      const count = Math.min(BLOCK, n - b * BLOCK);
      await insertIncidentsBulk(db, generateBlock(b, count, o.seed ?? DEFAULT_SEED));
      done += count;
      o.onProgress?.(done);
    }
  };
  const fill = () => Promise.all(Array.from({ length: db.engine === 'postgres' ? (o.concurrency ?? 3) : 1 }, worker));
  // a large seeding builds the secondary indexes once, at the end, rather than row by row
  if (n >= (o.rebuildIndexesFrom ?? 100_000)) await withIncidentIndexesRebuilt(db, fill);
  else await fill();
  await vacuumAnalyze(db);
  return performance.now() - t0;
}
