// The decision rules of strike vetting (DESIGN.md, the contract), over the in-memory index.
// Pure: plain data in, a decision out; no I/O.
import { statesMeeting } from '../geo/borders.ts';
import { areaM2, clipToBox, difference, intersection, SLIVER_M2 } from '../geo/clip.ts';
import { regionAreas, type Region } from '../geo/overlay.ts';
import { geodesicDiscXY, metresToDegrees } from '../geo/geodesy.ts';
import { EdgeSet, PreparedArea, type BBox, type EdgeSetParts, type Position } from '../geo/shapes.ts';
import type { Status } from '../parties/status.ts';
import { cellArea, type Grid } from './grid.ts';
import type { TerritoryEntry, VettingIndex } from './index.ts';
import { REASON_CODES, RULES, type Decision, type Effect, type Reason, type ToldBasis, type VetRequest } from './model.ts';

/** A target ready for the tests: a point (with a disc radius, maybe 0) or an area. */
export type PreparedTarget = { kind: 'point'; lon: number; lat: number; r: number; bbox: BBox } | { kind: 'area'; area: PreparedArea; bbox: BBox; rings: Position[][] };

/** Enough segments that the inscribed polygon strays less than 0.1 m inside the circle. */
function discSegments(r: number): number {
  return Math.min(1024, Math.max(16, Math.ceil(Math.PI / Math.acos(1 - Math.min(1, 0.1 / r)))));
}

export function prepareTarget(req: Pick<VetRequest, 'target' | 'radiusM'>): PreparedTarget {
  if (req.target.type === 'Point') {
    const [lon, lat] = req.target.coordinates;
    const r = req.radiusM;
    const { dLon, dLat } = r > 0 ? metresToDegrees(lat, r) : { dLon: 0, dLat: 0 };
    return { kind: 'point', lon, lat, r, bbox: { minX: lon - dLon, minY: lat - dLat, maxX: lon + dLon, maxY: lat + dLat } };
  }
  const area = new PreparedArea([req.target.coordinates]);
  return { kind: 'area', area, bbox: area.bbox, rings: req.target.coordinates };
}


/** A box a little larger than b, so clipping never cuts along the target's own edge. */
function grow(b: BBox): BBox {
  const m = Math.max(b.maxX - b.minX, b.maxY - b.minY) * 0.01 + 1e-6;
  return { minX: b.minX - m, minY: b.minY - m, maxX: b.maxX + m, maxY: b.maxY + m };
}

function meetsArea(t: PreparedTarget, a: PreparedArea): boolean {
  if (t.kind === 'area') return a.intersectsArea(t.area);
  return t.r > 0 ? a.withinM(t.lon, t.lat, t.r) : a.contains(t.lon, t.lat);
}

const STRENGTH: Record<Effect, number> = { permitted: 0, review: 1, prohibited: 2 };
const RANK = Object.fromEntries(REASON_CODES.map((c, i) => [c, i])) as Record<string, number>;
const round = (m: number) => Math.round(m * 10) / 10;
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The clipping path: which committed parts the target meets outside designated ground, and where
 * it meets ground they hold together (MIXED_AREA). Answered by areas near the target
 * (geo/overlay.ts): committed when the target's part of c outside every designated part has
 * area, or when it only grazes c; mixed when the target, c and a designated part share area.
 * Ground that two parties only border on does not mix.
 */
export interface ClipJob {
  /** The committed parts' parties and the designated parts' parties, in the order of their areas after the target's. */
  cParties: string[];
  dParties: string[];
  /** The target, then each committed part and each designated part, as their prepared arrays (copied to the worker as they are: no clipping or preparing on the event loop). */
  parts: EdgeSetParts[];
  box: BBox;
  regions: Region[];
  /** Least area (m²) that counts. */
  sliverM2: number;
  /** By a polygon overlay (polyclip-ts) instead: for more parts than one pass of regionAreas tells apart. Slow, so only ever in the worker. */
  overlay?: boolean;
}

/**
 * The regions asked of [T, c1..ck, d1..dm] (bits 0, 1..k, k+1..k+m): for each c, T∩c, T∩c
 * outside every d, and T∩c∩d for each d. One pass over all the edges answers every part.
 */
function clipRegions(k: number, m: number): Region[] {
  const allD = ((1 << m) - 1) << (k + 1);
  const out: Region[] = [];
  for (let i = 0; i < k; i++) {
    const tc = 1 | (1 << (i + 1));
    out.push({ inside: tc, outside: 0 }, { inside: tc, outside: allD });
    for (let j = 0; j < m; j++) out.push({ inside: tc | (1 << (k + 1 + j)), outside: 0 });
  }
  return out;
}

/** Applies a clipping result (the areas of clipRegions) to the sets of committed and mixed parties. */
function applyAreas(cParties: string[], dParties: string[], areas: number[], sliverM2: number, committed: Set<string>, mixed: Set<string>) {
  const m = dParties.length;
  cParties.forEach((c, i) => {
    const at = i * (2 + m);
    if (areas[at] < sliverM2 || areas[at + 1] >= sliverM2) committed.add(c);
    dParties.forEach((d, j) => {
      if (areas[at + 2 + j] >= sliverM2) {
        mixed.add(c);
        mixed.add(d);
      }
    });
  });
}

/** Works a clipping job out from its rings alone (what the worker does off the event loop). */
export function runClipJob(job: ClipJob): number[] {
  const areas = job.parts.map((p) => PreparedArea.fromParts(p));
  if (!job.overlay) return regionAreas(areas, job.regions, job.box);
  const [t, ...rest] = areas.map((a, i) => (i === 0 ? [a.rings()] : clipToBox([a.rings()], job.box)));
  const ds = rest.slice(job.cParties.length);
  return rest.slice(0, job.cParties.length).flatMap((c) => {
    const tc = intersection(t, c);
    return [areaM2(tc), areaM2(difference(tc, ds)), ...ds.map((d) => areaM2(intersection(tc, d)))];
  });
}

/** Areas a bitmask can tell apart in one pass (the target's bit, and 30 parts); more are done in turns. */
const MAX_PARTS = 30;

/** A bare point's stand-in on the clipping path when it lies on a border: the 2 m square around it. */
const POINT_HALF_M = 1;
const POINT_SLIVER_M2 = 1e-3;

interface Clip {
  committed: Set<string>;
  mixed: Set<string>;
  /** The parts too large to work out here: done off the event loop, or past the deadline not at all. */
  jobs: ClipJob[];
}

function committedAndMixed(t: PreparedTarget, C: TerritoryEntry[], D: TerritoryEntry[], inlineEdges: number): Clip {
  const committed = new Set<string>();
  const mixed = new Set<string>();
  const jobs: ClipJob[] = [];
  const bare = t.kind === 'point' && t.r === 0;
  let T: PreparedArea | null = null;
  let box = grow(t.bbox);
  const target = (): PreparedArea => {
    if (T) return T;
    if (t.kind === 'area') T = t.area;
    else if (t.r > 0) T = new PreparedArea(new EdgeSet([geodesicDiscXY(t.lon, t.lat, t.r, discSegments(t.r))], true)); // a disc becomes a fine polygon
    else {
      const { dLon, dLat } = metresToDegrees(t.lat, POINT_HALF_M);
      T = new PreparedArea([[[[t.lon - dLon, t.lat - dLat], [t.lon + dLon, t.lat - dLat], [t.lon + dLon, t.lat + dLat], [t.lon - dLon, t.lat + dLat], [t.lon - dLon, t.lat - dLat]]]]);
      box = grow(T.bbox);
    }
    return T;
  };
  const open: TerritoryEntry[] = [];
  for (const c of C) {
    const near = D.filter((d) => boxesMeet(d.area.bbox, c.area.bbox));
    if (!near.length) {
      committed.add(c.partyId);
      continue;
    }
    // a bare point inside c and every designated part it met, on none of their borders: ground they
    // hold together, and not c's alone (the common case, without any clipping)
    if (bare && !c.area.onBoundary(t.lon, t.lat) && near.every((d) => !d.area.onBoundary(t.lon, t.lat))) {
      mixed.add(c.partyId);
      for (const d of near) mixed.add(d.partyId);
      continue;
    }
    open.push(c);
  }
  const sliver = bare ? POINT_SLIVER_M2 : SLIVER_M2;
  const Ds = D.filter((d) => open.some((c) => boxesMeet(d.area.bbox, c.area.bbox)));
  const per = Math.max(1, MAX_PARTS - Ds.length);
  for (let i = 0; i < open.length && Ds.length <= MAX_PARTS - 1; i += per) {
    const cs = open.slice(i, i + per);
    const sets = [target(), ...cs.map((c) => c.area), ...Ds.map((d) => d.area)];
    const regions = clipRegions(cs.length, Ds.length);
    const cParties = cs.map((c) => c.partyId);
    const dParties = Ds.map((d) => d.partyId);
    if (edgesNear(sets, box) <= inlineEdges) {
      applyAreas(cParties, dParties, regionAreas(sets, regions, box), sliver, committed, mixed);
      continue;
    }
    jobs.push({ cParties, dParties, parts: sets.map((a) => a.parts()), box, regions, sliverM2: sliver });
  }
  // more designated parts than one pass of regionAreas can tell apart (a target over a whole
  // front): the overlay, in the worker (the same areas, worked out the slow way)
  if (Ds.length > MAX_PARTS - 1) {
    const parts = [target().parts(), ...[...open, ...Ds].map((a) => a.area.parts())];
    jobs.push({ cParties: open.map((c) => c.partyId), dParties: Ds.map((d) => d.partyId), parts, box, regions: [], sliverM2: sliver, overlay: true });
  }
  return { committed, mixed, jobs };
}

/** About how many edges the clipping reads: each area's edges in proportion to how much of its box lies in `box`. */
function edgesNear(sets: PreparedArea[], box: BBox): number {
  let n = 0;
  for (const a of sets) {
    const b = a.bbox;
    const w = Math.max(0, Math.min(b.maxX, box.maxX) - Math.max(b.minX, box.minX));
    const h = Math.max(0, Math.min(b.maxY, box.maxY) - Math.max(b.minY, box.minY));
    const whole = (b.maxX - b.minX) * (b.maxY - b.minY);
    n += whole > 0 ? (a.vertexCount * w * h) / whole : a.vertexCount;
  }
  return n;
}

const boxesMeet = (a: BBox, b: BBox) => a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

/** What a decision knows before its clipping jobs (if any) are done. */
export interface Assessment {
  reasonsAfter: Reason[];
  clip: Clip;
  names: (ids: string[]) => string;
  at: number;
}

/**
 * The decision, or what it waits for: with `inlineEdges` finite, clipping larger than that is
 * left as jobs for conclude() (the route runs them in a worker with a deadline). Pure.
 */
export function assess(ix: VettingIndex, req: VetRequest, t: PreparedTarget = prepareTarget(req), inlineEdges = Infinity): Assessment {
  const at = req.at;
  const reasons: Reason[] = [];
  const names = (ids: string[]) => ids.map((id) => ix.partyName(id)).join(', ');

  const met = ix.territoriesIn(t.bbox, at).filter((e) => meetsArea(t, e.area));
  const byStatus = (pred: (s: Status) => boolean) => met.filter((e) => pred(ix.statusAt(e.partyId, at)));
  const C = byStatus((s) => s === 'committed');
  const D = byStatus((s) => s === 'designated');
  const U = byStatus((s) => s !== 'committed' && s !== 'designated');
  const clip: Clip = D.length ? committedAndMixed(t, C, D, inlineEdges) : { committed: new Set(C.map((c) => c.partyId)), mixed: new Set<string>(), jobs: [] };
  for (const s of ix.sitesIn(t.bbox, at)) {
    // one distance, cut short beyond the buffer: most candidates from the tree are further away
    const d = t.kind === 'area' ? s.shape.distanceToAreaM(t.area, s.bufferM) : s.shape.distanceM(t.lon, t.lat, s.bufferM + t.r) - t.r;
    if (!(d <= s.bufferM)) continue;
    reasons.push({
      code: 'PROTECTED_SITE',
      detail: `The target is ${round(Math.max(0, d))} m from the ${s.kind} site "${s.name}", within its ${s.bufferM} m buffer.`,
      siteId: s.id,
      distanceM: round(Math.max(0, d)),
    });
  }

  for (const c of ix.corridorsIn(t.bbox, at)) {
    const d = t.kind === 'area' ? c.line.distanceToAreaM(t.area, c.widthM) : c.line.distanceM(t.lon, t.lat, c.widthM + t.r) - t.r;
    if (!(d <= c.widthM)) continue;
    reasons.push({
      code: 'AID_CORRIDOR',
      detail: `The target is ${round(Math.max(0, d))} m from the aid corridor "${c.name}" (open ${iso(c.validFrom)} to ${iso(c.validTo)}), within its ${c.widthM} m either side.`,
      corridorId: c.id,
      distanceM: round(Math.max(0, d)),
    });
  }

  if (U.length) {
    const ids = sorted(U.map((u) => u.partyId));
    const how = ids.map((id) => `${ix.partyName(id)} (${ix.statusAt(id, at).replace('_', ' ')})`).join(', ');
    reasons.push({ code: 'UNCOMMITTED_PARTY_TERRITORY', detail: `The target meets territory of parties not committed at ${iso(at)}: ${how}.`, partyIds: ids });
  }
  if (!met.length) reasons.push({ code: 'UNDELINEATED', detail: `The target meets no delineated territory at ${iso(at)}.` });

  const allowed = new Set([req.homeState, ...req.operatesIn].filter(Boolean));
  const states = statesMeeting(t.kind === 'area' ? { type: 'area', area: t.area } : { type: 'point', lon: t.lon, lat: t.lat, radiusM: t.r }).filter((s) => !allowed.has(s));
  if (states.length) {
    const list = [...new Set(states)].sort();
    reasons.push({
      code: 'CROSS_BORDER',
      detail: `The target lies in ${list.join(', ')}: neither the requesting party's home state nor one it operates in (${[...allowed].join(', ') || 'none declared'}).`,
      states: list,
    });
  }

  if (D.length) {
    const ids = sorted(D.map((d) => d.partyId));
    reasons.push({ code: 'DESIGNATED_GROUP_EXCEPTION', detail: `The target meets territory of designated groups, to which the cessation does not apply: ${names(ids)}.`, partyIds: ids });
  }

  return { reasonsAfter: reasons, clip, names, at };
}

export const DEADLINE_DETAIL = (ids: string[], ms: number) =>
  `The target meets ground of committed parties and designated groups at once (${ids.join(', ')}); working out where exactly took longer than the ${ms} ms deadline, so the decision is referred for review.`;

/**
 * The decision from an assessment and its clipping jobs' areas, in the jobs' order; `null`: the
 * jobs missed their deadline (of `deadlineMs`), so the parts they were for are a review.
 */
export function conclude(a: Assessment, results: number[][] | null = [], deadlineMs = 0): Decision {
  const { clip, names, at } = a;
  const committed = new Set(clip.committed);
  const mixed = new Set(clip.mixed);
  const reasons: Reason[] = [];
  if (results) clip.jobs.forEach((j, i) => applyAreas(j.cParties, j.dParties, results[i], j.sliverM2, committed, mixed));
  if (committed.size) {
    const ids = sorted(committed);
    reasons.push({ code: 'COMMITTED_PARTY_TERRITORY', detail: `The target meets territory of ${names(ids)}, committed to the cessation at ${iso(at)}.`, partyIds: ids });
  }
  if (mixed.size) {
    const ids = sorted(mixed);
    reasons.push({ code: 'MIXED_AREA', detail: `The target meets ground that committed and designated groups hold together: ${names(ids)}.`, partyIds: ids });
  }
  if (!results && clip.jobs.length) {
    const ids = sorted(clip.jobs.flatMap((j) => [...j.cParties, ...j.dParties]));
    reasons.push({ code: 'DECISION_DEADLINE', detail: DEADLINE_DETAIL(ids.map((id) => names([id])), deadlineMs), partyIds: ids });
  }
  // both lists are in the rule table's order: merged, not sorted (this runs for every decision)
  const after = a.reasonsAfter;
  const all: Reason[] = [];
  let j = 0;
  for (const r of reasons) {
    while (j < after.length && RANK[after[j].code] < RANK[r.code]) all.push(after[j++]);
    all.push(r);
  }
  while (j < after.length) all.push(after[j++]);
  return { decision: strongest(all), reasons: all };
}

/** The decision, every part worked out here. */
export function decide(ix: VettingIndex, req: VetRequest, t: PreparedTarget = prepareTarget(req)): Decision {
  return conclude(assess(ix, req, t));
}


/** The decision is the strongest effect among the reasons (prohibited > review > permitted). */
export function strongest(reasons: Reason[]): Effect {
  return reasons.reduce<Effect>((best, r) => (STRENGTH[RULES[r.code]] > STRENGTH[best] ? RULES[r.code] : best), 'permitted');
}

/**
 * For a role that may not see sites: whether some site in force at the time has a buffer that
 * meets a cell of the grid that the target touches. No early exit: every touched cell is built
 * and every candidate tested, so a near site costs only the microseconds of its own test.
 */
export function referredOnGrid(ix: VettingIndex, req: VetRequest, grid: Grid, t: PreparedTarget = prepareTarget(req)): boolean {
  const cells = grid.cellsIn(t.bbox).map(cellArea).filter((c) => meetsArea(t, c));
  let box = cells[0]?.bbox;
  for (const c of cells) box = { minX: Math.min(box!.minX, c.bbox.minX), minY: Math.min(box!.minY, c.bbox.minY), maxX: Math.max(box!.maxX, c.bbox.maxX), maxY: Math.max(box!.maxY, c.bbox.maxY) };
  if (!box) return false;
  let referred = false;
  for (const s of ix.sitesIn(box, req.at)) for (const c of cells) referred = s.shape.withinAreaM(c, s.bufferM) || referred;
  return referred;
}

export const REFERRED_DETAIL = 'Referred to the task force.';
export const FLAGGED_DETAIL = 'Referred to the task force: this account has been referred more often today than its budget allows; every answer is a referral until the secretariat lifts the flag.';

/**
 * What the caller is told. 'exact': the decision itself. 'grid': no site reason, a referral when
 * a site counted on the grid, and the decision the strongest effect of what is told (the exact
 * decision could itself tell a site apart). 'flagged': a referral and nothing else.
 */
export function tell(d: Decision, basis: ToldBasis, referred: boolean): Decision {
  if (basis === 'exact') return d;
  if (basis === 'flagged') return { decision: RULES.REFERRED_TO_TASK_FORCE, reasons: [{ code: 'REFERRED_TO_TASK_FORCE', detail: FLAGGED_DETAIL }] };
  const reasons = d.reasons.filter((r) => r.code !== 'PROTECTED_SITE');
  if (referred) {
    const at = reasons.findIndex((r) => REASON_CODES.indexOf(r.code) > REASON_CODES.indexOf('REFERRED_TO_TASK_FORCE'));
    reasons.splice(at < 0 ? reasons.length : at, 0, { code: 'REFERRED_TO_TASK_FORCE', detail: REFERRED_DETAIL });
  }
  return { decision: strongest(reasons), reasons };
}

/** What a role without site access was told before the told view was recorded (migration 009): the exact decision, site reasons collapsed into one without the site. */
export function toldBefore009(d: Decision): Decision {
  const out = d.reasons.filter((r) => r.code !== 'PROTECTED_SITE');
  if (out.length < d.reasons.length) out.splice(d.reasons.findIndex((r) => r.code === 'PROTECTED_SITE'), 0, { code: 'PROTECTED_SITE', detail: 'The target is within the buffer of a protected site.' });
  return { decision: d.decision, reasons: out };
}

/** An account's referral budget for the day, as one decision after another spends it. */
export interface Budget {
  flagged: boolean;
  /** Referrals since the start of the UTC day (or since the flag was last lifted that day). */
  referrals: number;
}

/**
 * The next step of the budget for one decision of a role without site access: how the answer is
 * told, and whether this decision flags the account (the first referral past the budget).
 */
export function spend(b: Budget, referred: boolean, perDay: number): { basis: ToldBasis; flagNow: boolean; next: Budget } {
  if (b.flagged) return { basis: 'flagged', flagNow: false, next: b };
  if (!referred) return { basis: 'grid', flagNow: false, next: b };
  const referrals = b.referrals + 1;
  if (referrals > perDay) return { basis: 'flagged', flagNow: true, next: { flagged: true, referrals } };
  return { basis: 'grid', flagNow: false, next: { flagged: false, referrals } };
}
