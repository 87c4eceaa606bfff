// The decision rules of strike vetting (DESIGN.md, the contract), over the in-memory index.
// Pure: plain data in, a decision out; no I/O.
import { statesMeeting } from '../geo/borders.ts';
import { clipToBox, differenceIsEmpty, intersection } from '../geo/clip.ts';
import { geodesicDisc, metresToDegrees } from '../geo/geodesy.ts';
import { PreparedArea, type BBox, type Position } from '../geo/shapes.ts';
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

/** The target as polygon coordinates, for the rare clipping path (a disc becomes a fine polygon). */
function targetPolygons(t: PreparedTarget): Position[][][] {
  return t.kind === 'area' ? [t.rings] : [[geodesicDisc(t.lon, t.lat, t.r, discSegments(t.r))]];
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
const round = (m: number) => Math.round(m * 10) / 10;
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Committed territory the target meets outside designated areas, and committed territory it
 * meets where designated groups hold the same ground (MIXED_AREA). Overlaps of positive area
 * count; territories that only share a border do not mix.
 */
function committedAndMixed(ix: VettingIndex, t: PreparedTarget, C: TerritoryEntry[], D: TerritoryEntry[]) {
  const committed = new Set<string>();
  const mixed = new Set<string>();
  for (const c of C) {
    const over = D.map((d) => ({ d, o: ix.overlap(c, d) })).filter((x) => x.o);
    if (!over.length) {
      committed.add(c.partyId);
      continue;
    }
    for (const { d, o } of over) {
      if (meetsArea(t, o!)) {
        mixed.add(c.partyId);
        mixed.add(d.partyId);
      }
    }
    // a bare point met these designated parts, so it lies in them: in C inside D, not outside
    if (t.kind === 'point' && t.r === 0) continue;
    // only what lies in the target's box matters: cut the territories down before clipping
    const box = grow(t.bbox);
    const part = intersection(targetPolygons(t), clipToBox(c.polygons, box));
    // an empty part means the target only grazes c (closer than the disc's polygon can show)
    if (!part.length || !differenceIsEmpty(part, over.map(({ d }) => clipToBox(d.polygons, box)))) committed.add(c.partyId);
  }
  return { committed, mixed };
}

/** `t`: the request's target already prepared (the route also tests it on the grid); prepared here otherwise. */
export function decide(ix: VettingIndex, req: VetRequest, t: PreparedTarget = prepareTarget(req)): Decision {
  const at = req.at;
  const reasons: Reason[] = [];
  const names = (ids: string[]) => ids.map((id) => ix.partyName(id)).join(', ');

  const met = ix.territoriesIn(t.bbox, at).filter((e) => meetsArea(t, e.area));
  const byStatus = (pred: (s: Status) => boolean) => met.filter((e) => pred(ix.statusAt(e.partyId, at)));
  const C = byStatus((s) => s === 'committed');
  const D = byStatus((s) => s === 'designated');
  const U = byStatus((s) => s !== 'committed' && s !== 'designated');
  const { committed, mixed } = D.length ? committedAndMixed(ix, t, C, D) : { committed: new Set(C.map((c) => c.partyId)), mixed: new Set<string>() };

  if (committed.size) {
    const ids = sorted(committed);
    reasons.push({ code: 'COMMITTED_PARTY_TERRITORY', detail: `The target meets territory of ${names(ids)}, committed to the cessation at ${iso(at)}.`, partyIds: ids });
  }

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

  if (mixed.size) {
    const ids = sorted(mixed);
    reasons.push({ code: 'MIXED_AREA', detail: `The target meets ground that committed and designated groups hold together: ${names(ids)}.`, partyIds: ids });
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

  return { decision: strongest(reasons), reasons };
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
