// The rules of humanitarian access: areas built from a polygon or OCHA P-codes, convoy requests
// checked (a route that is one, a window that is one), approvals computed from the territory the
// route crosses and the destination's besiegers, each step an event (never an edit) and a leaf,
// and a blocked convoy or removed cargo filed on the incidents desk.
import type { Principal } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { checkGeometry, type Geometry } from '../geo/geojson.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { fileDeskReport } from '../incidents/lookup.ts';
import type { Writer } from '../ledger/ledger.ts';
import { listParties } from '../parties/lookup.ts';
import { corridorBounds, corridorFault } from '../sites/lookup.ts';
import { adminUnits, territoryAreas, unitsOf } from '../territory/lookup.ts';
import { approvalChanges, requiredApprovals, type AreaCache, type AreaVersion, type Required } from './approvals.ts';
import { statusFault } from './areas.ts';
import { approvalStep, asked, fold, fromStates, removedFault, transition, type ConvoyEventType, type Folded, type Step } from './convoy.ts';
import { selfIntersection } from './route.ts';
import type * as S from './schemas.ts';
import * as store from './store.ts';

const geojson = (g: { type: string; coordinates: unknown }) => JSON.stringify({ type: g.type, coordinates: g.coordinates });

/** The parties of these ids, by id; the first unknown one refused naming its field. */
async function knownParties(q: Queryable, ids: string[], field: (i: number) => string): Promise<Map<string, string>> {
  const found = new Map((await listParties(q, { ids })).map((p) => [p.id, p.name]));
  ids.forEach((id, i) => {
    if (!found.has(id.toLowerCase())) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${id}.`, field(i));
  });
  return found;
}

export async function createArea(w: Writer, b: S.AreaCreate, config: Config, illustrative = false): Promise<store.AreaRecord> {
  if ((b.geometry === undefined) === (b.pcodes === undefined)) {
    throw new ApiError('VALIDATION_FAILED', 'Give the area as a geometry or as a list of P-codes (one of the two).', b.geometry ? 'pcodes' : 'geometry');
  }
  const besiegers = b.besiegingPartyIds.map((x) => x.toLowerCase());
  await knownParties(w.q, besiegers, (i) => `besiegingPartyIds.${i}`);
  let shape: store.AreaShape;
  let pcodes: string[] = [];
  if (b.geometry) {
    await checkGeometry(w.q, b.geometry as Geometry, 'geometry', config.maxVertices);
    shape = { geojson: geojson(b.geometry) };
  } else {
    const units = await adminUnits(config.adminUnitsFile);
    const picked = new Map<string, string>();
    for (const [i, code] of b.pcodes!.entries()) {
      const found = unitsOf(units, code);
      if (!found.length) throw new ApiError('UNKNOWN_REFERENCE', `No administrative unit has the P-code ${code}.`, `pcodes.${i}`);
      for (const u of found) picked.set(u.pcode, u.geometry);
    }
    pcodes = [...picked.keys()].sort();
    shape = { union: pcodes.map((c) => picked.get(c)!) };
  }
  const since = new Date(b.since);
  const area = await store.insertArea(
    w.q,
    { name: b.name, pcodes, population: b.population.count, populationAsOf: new Date(b.population.asOf), populationSource: b.population.source.trim(), besiegingPartyIds: besiegers, illustrative },
    shape,
    w.actor.accountId,
  );
  w.record('besieged_area.created', 'besieged_area', area.row);
  const first = await store.insertAreaStatus(w.q, { areaId: area.id, status: b.status, at: since, reason: null }, w.actor.accountId);
  w.record('besieged_area.status', 'besieged_status', first.row);
  return { ...area, history: [first] };
}

/** A status from a time on (leaf besieged_area.status): an event, never an edit. `area` was read locked. */
export async function recordAreaStatus(w: Writer, area: store.AreaRecord, b: S.AreaStatusCreate): Promise<store.AreaStatusRecord> {
  const at = new Date(b.at);
  const f = statusFault(area.history.map((h) => ({ at: h.at.getTime(), status: h.status })), { at: at.getTime(), status: b.status });
  if (f) throw new ApiError('INCONSISTENT', f.reason, f.field);
  const e = await store.insertAreaStatus(w.q, { areaId: area.id, status: b.status, at, reason: b.reason.trim() }, w.actor.accountId);
  w.record('besieged_area.status', 'besieged_status', e.row);
  return e;
}

/** Prepared territory versions across calls (versions are immutable). */
const areaCache: AreaCache = new Map();

/** The approvals a convoy needs now: the territory its route crosses in its window, and its destination's besiegers. */
async function required(q: Queryable, route: number[][], from: Date, to: Date, besiegers: string[], loaded?: AreaVersion[]): Promise<Required[]> {
  const versions = loaded ?? (await territoryAreas(q, null));
  return requiredApprovals(route, { from: from.getTime(), to: to.getTime() }, versions, besiegers, areaCache);
}

const reasonWords = (r: Required['reason']) => (r === 'besieger' ? 'it besieges the destination' : 'its recorded territory is crossed by the route in the window');

interface Ev {
  type: ConvoyEventType;
  at?: Date;
  partyId?: string | null;
  detail: string;
  data?: Record<string, unknown>;
  reportId?: string | null;
}

/** Appends events to a convoy (each a leaf convoy.<type>), then the approval step they call for, if any. */
async function append(w: Writer, c: store.ConvoyRecord, evs: Ev[], opts: { settle?: boolean } = { settle: true }): Promise<store.ConvoyRecord> {
  const events = [...c.events];
  const add = async (e: Ev) => {
    const r = await store.insertConvoyEvent(
      w.q,
      { convoyId: c.id, type: e.type, at: e.at ?? new Date(), partyId: e.partyId ?? null, detail: e.detail, data: e.data, reportId: e.reportId ?? null, recordedRole: w.actor.role },
      w.actor.accountId,
    );
    w.record(`convoy.${e.type}`, 'convoy_event', r.row);
    events.push(r);
  };
  for (const e of evs) await add(e);
  if (opts.settle !== false) {
    const f = fold(events);
    const step = approvalStep(f.state, f.approvals);
    const at = new Date(events[events.length - 1].at); // as of the answer (or change) that settles it
    if (step === 'approve') await add({ type: 'approved', at, detail: f.approvals.length ? 'Every approval asked was granted.' : 'No party’s approval is needed: nobody holds ground on the route in the window, nobody besieges the destination.' });
    if (step === 'revert') await add({ type: 'reverted', at, detail: 'An approval is asked again or newly: the convoy waits for it.' });
  }
  return { ...c, events };
}

export interface Requester {
  agency: string;
}

/** A convoy request (leaf convoy.requested) with the approvals it needs, computed. */
export async function requestConvoy(w: Writer, b: S.ConvoyCreate, who: Requester, config: Config, opts: { illustrative?: boolean; at?: Date } = {}): Promise<store.ConvoyRecord> {
  const illustrative = opts.illustrative ?? false;
  const from = new Date(b.window.from);
  const to = new Date(b.window.to);
  if (to <= from) throw new ApiError('INCONSISTENT', `window.to (${to.toISOString()}) must be after window.from (${from.toISOString()}).`, 'window.to');
  await checkGeometry(w.q, b.route as Geometry, 'route', config.maxVertices);
  const coords = b.route.coordinates as number[][];
  const kink = selfIntersection(coords);
  if (kink) throw new ApiError('INVALID_GEOMETRY', `route crosses itself: segment ${kink.i} meets segment ${kink.j}.`, `route.coordinates.${kink.j}`);
  const fault = corridorFault(coords as [number, number][], config.aidCorridorWidthM, from, to, corridorBounds(config), 'route');
  if (fault) throw new ApiError(fault.code, `${fault.field}: ${fault.reason}.`, fault.field === 'validTo' ? 'window.to' : fault.field, fault.limit === undefined ? {} : { limit: fault.limit });
  const area = await store.getArea(w.q, b.destinationAreaId);
  if (!area) throw new ApiError('UNKNOWN_REFERENCE', `No besieged area with id ${b.destinationAreaId}.`, 'destinationAreaId');
  const c = await store.insertConvoy(
    w.q,
    {
      agency: who.agency, originName: b.originName, destinationAreaId: area.id, routeGeojson: geojson(b.route), widthM: config.aidCorridorWidthM,
      windowFrom: from, windowTo: to, cargo: b.cargo, peopleToReach: b.peopleToReach, illustrative,
    },
    w.actor.accountId,
  );
  w.record('convoy.requested', 'convoy', c.row);
  const need = await required(w.q, coords, from, to, area.besiegingPartyIds);
  const names = await knownParties(w.q, need.map((n) => n.partyId), () => 'destinationAreaId');
  return append(w, c, [
    { type: 'requested', at: opts.at, detail: `${who.agency} asks to take ${b.cargo.length} cargo line(s) from ${b.originName} to ${area.name}.` },
    ...need.map((n) => ({ type: 'approval_added' as const, at: opts.at, partyId: n.partyId, data: { reason: n.reason }, detail: `Approval asked of ${names.get(n.partyId)}: ${reasonWords(n.reason)}.` })),
  ]);
}

/** The approvals of a convoy again after a territory change: what is added or dropped is said in its history. */
export async function recomputeApprovals(w: Writer, c: store.ConvoyRecord, versions?: AreaVersion[]): Promise<store.ConvoyRecord> {
  const f = fold(c.events);
  if (f.state !== 'requested' && f.state !== 'approved') return c;
  const area = await store.getArea(w.q, c.destinationAreaId);
  const need = await required(w.q, c.route.coordinates, c.windowFrom, c.windowTo, area?.besiegingPartyIds ?? [], versions);
  const { added, dropped } = approvalChanges(asked(f), need);
  if (!added.length && !dropped.length) return c;
  const names = await knownParties(w.q, [...added, ...dropped].map((x) => x.partyId), () => 'partyId');
  return append(w, c, [
    ...added.map((n) => ({ type: 'approval_added' as const, partyId: n.partyId, data: { reason: n.reason, cause: 'territory_change' }, detail: `Territory changed: approval now asked of ${names.get(n.partyId)} (${reasonWords(n.reason)}).` })),
    ...dropped.map((n) => ({ type: 'approval_dropped' as const, partyId: n.partyId, data: { reason: n.reason, cause: 'territory_change' }, detail: `Territory changed: ${names.get(n.partyId)} no longer holds ground on the route in the window; its approval is no longer asked.` })),
  ]);
}

/** Recomputes every open convoy's approvals (after a territory change). Returns how many changed. */
export async function recomputeOpen(w: Writer): Promise<number> {
  const ids = await store.openConvoyIds(w.q);
  if (!ids.length) return 0;
  let changed = 0;
  const versions = await territoryAreas(w.q, null); // once for all of them
  for (const c of await store.listConvoys(w.q, { ids, lock: true })) {
    const after = await recomputeApprovals(w, c, versions);
    if (after.events.length !== c.events.length) changed++;
  }
  return changed;
}

function refuseStep(f: Folded, step: Step, what: string): never {
  throw new ApiError('CONVOY_TRANSITION', `The convoy is ${f.state}: it can be ${what} only when ${fromStates(step).join(' or ')}.`, 'state', { state: f.state });
}

/**
 * A party's answer (leaf convoy.granted / convoy.denied): only that party's liaison or a
 * co-chair; the same answer again records nothing. Returns the convoy and whether it changed.
 */
export async function decide(w: Writer, c: store.ConvoyRecord, partyId: string, b: S.ApprovalCreate, p: Pick<Principal, 'role' | 'partyId'>, at?: Date): Promise<{ convoy: store.ConvoyRecord; changed: boolean }> {
  const pid = partyId.toLowerCase();
  if (p.role === 'liaison' && p.partyId !== pid) throw new ApiError('FORBIDDEN', 'Only a liaison of that party (or a co-chair) answers for it.', 'partyId');
  if (p.role !== 'liaison' && p.role !== 'cochair') throw new ApiError('FORBIDDEN', 'Only a liaison of that party (or a co-chair) answers for it.', 'partyId');
  const f = fold(c.events);
  const a = f.approvals.find((x) => x.partyId === pid);
  if (!a) throw notFound('approval of party', partyId, 'partyId');
  if (f.state !== 'requested' && f.state !== 'approved') throw new ApiError('CONVOY_TRANSITION', `The convoy is ${f.state}: approvals are answered only while it is requested or approved.`, 'state', { state: f.state });
  if (b.status === 'denied' && !b.reason) throw new ApiError('VALIDATION_FAILED', 'A denial gives its reason.', 'reason');
  if (b.status === 'granted' && b.reason) throw new ApiError('VALIDATION_FAILED', 'reason is a denial’s; a grant gives conditions, if any.', 'reason');
  if (b.status === 'denied' && b.conditions) throw new ApiError('VALIDATION_FAILED', 'conditions are a grant’s; a denial gives its reason.', 'conditions');
  const same = a.status === b.status && (b.status === 'granted' ? (a.conditions ?? null) === (b.conditions?.trim() ?? null) : a.denialReason === b.reason?.trim());
  if (same) return { convoy: c, changed: false };
  const [name] = [(await knownParties(w.q, [pid], () => 'partyId')).get(pid)];
  const ev: Ev =
    b.status === 'granted'
      ? { type: 'granted', at, partyId: pid, data: b.conditions ? { conditions: b.conditions.trim() } : {}, detail: `${name} granted${b.conditions ? ` on conditions: ${b.conditions.trim()}` : ''}.` }
      : { type: 'denied', at, partyId: pid, data: { reason: b.reason!.trim() }, detail: `${name} denied: ${b.reason!.trim()}.` };
  return { convoy: await append(w, c, [ev]), changed: true };
}

const timeOf = (at: string | undefined) => (at ? new Date(at) : new Date());

/** The time of a step: not before the convoy's last step. */
function stepTime(c: store.ConvoyRecord, at: string | undefined): Date {
  const t = timeOf(at);
  const last = Math.max(...c.events.map((e) => e.at));
  if (t.getTime() < last) throw new ApiError('INCONSISTENT', `at (${t.toISOString()}) is before the convoy's last step (${new Date(last).toISOString()}).`, 'at');
  return t;
}

export async function dispatch(w: Writer, c: store.ConvoyRecord, b: S.Dispatch): Promise<store.ConvoyRecord> {
  const f = fold(c.events);
  if (!transition(f.state, 'dispatch')) refuseStep(f, 'dispatch', 'dispatched');
  return append(w, c, [{ type: 'dispatched', at: stepTime(c, b.at), detail: `Dispatched from ${c.originName}.` }], { settle: false });
}

export interface Filing {
  db: Db;
  config: Config;
  reporter: { accountId: string; role: string; partyId: string | null; organisation: string | null };
}


/** The source a desk report filed for a convoy names: the convoy's API path (the report links back). */
const convoySource = (id: string) => `Aid convoy /api/v1/convoys/${id}`;

export async function deliver(w: Writer, c: store.ConvoyRecord, b: S.Deliver, filing: Filing): Promise<store.ConvoyRecord> {
  const f = fold(c.events);
  const removed = b.removed ?? [];
  if (!transition(f.state, removed.length ? 'deliver_partially' : 'deliver')) refuseStep(f, 'deliver', 'delivered');
  const at = stepTime(c, b.at);
  const fault = removedFault(c.cargo, removed);
  if (fault) throw new ApiError('CARGO_EXCEEDED', fault.reason, fault.field);
  if (!removed.length) return append(w, c, [{ type: 'delivered', at, detail: `Delivered in full: ${c.peopleToReach} people to reach.` }], { settle: false });
  const by = removed.map((r) => r.byPartyId.toLowerCase());
  const names = await knownParties(w.q, by, (i) => `removed.${i}.byPartyId`);
  const lines = removed.map((r) => `${r.quantity} ${r.unit} of ${r.category}${r.item ? ` (${r.item})` : ''} by ${names.get(r.byPartyId.toLowerCase())}`).join('; ');
  const where = (removed.find((r) => r.where)?.where?.coordinates ?? c.route.coordinates[c.route.coordinates.length - 1]) as [number, number];
  const report = await fileDeskReport(filing.db, filing.config, w, {
    eventType: 'siege_or_aid_denial',
    occurredAt: at,
    location: [where[0], where[1]],
    locationPrecision: removed.some((r) => r.where) ? 'exact' : 'near',
    perpetratorPartyIds: [...new Set(by)],
    text: `Aid convoy ${c.id} (${c.agency}, from ${c.originName}): cargo removed at a checkpoint: ${lines}.`,
    source: convoySource(c.id),
    reporter: filing.reporter,
  });
  return append(w, c, [{ type: 'partially_delivered', at, detail: `Delivered, less cargo removed at a checkpoint: ${lines}.`, data: { removed }, reportId: report.reportId }], { settle: false });
}

export async function block(w: Writer, c: store.ConvoyRecord, b: S.Block, filing: Filing): Promise<store.ConvoyRecord> {
  const f = fold(c.events);
  if (!transition(f.state, 'block')) refuseStep(f, 'block', 'blocked');
  const at = stepTime(c, b.at);
  const pid = b.byPartyId.toLowerCase();
  const name = (await knownParties(w.q, [pid], () => 'byPartyId')).get(pid);
  const [lon, lat] = b.where.coordinates as number[];
  const report = await fileDeskReport(filing.db, filing.config, w, {
    eventType: 'siege_or_aid_denial',
    occurredAt: at,
    location: [lon, lat],
    perpetratorPartyIds: [pid],
    text: `Aid convoy ${c.id} (${c.agency}, from ${c.originName}) blocked by ${name}: ${b.reason.trim()}`,
    source: convoySource(c.id),
    reporter: filing.reporter,
  });
  return append(w, c, [{ type: 'blocked', at, partyId: pid, detail: `Blocked by ${name}: ${b.reason.trim()}`, data: { where: { type: 'Point', coordinates: [lon, lat] }, reason: b.reason.trim() }, reportId: report.reportId }], { settle: false });
}

export async function cancel(w: Writer, c: store.ConvoyRecord, b: S.Cancel): Promise<store.ConvoyRecord> {
  const f = fold(c.events);
  if (!transition(f.state, 'cancel')) refuseStep(f, 'cancel', 'cancelled');
  return append(w, c, [{ type: 'cancelled', detail: `Cancelled: ${b.reason.trim()}`, data: { reason: b.reason.trim() } }], { settle: false });
}
