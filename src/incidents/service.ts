// The rules of the investigation desk: review, merge and split, claims, requests for information
// and answers, determinations with the co-chairs' concurrence, publication; and the read side,
// each incident as its caller may see it (visibility.ts decides, this applies).
//
// Who may do what (routes declare it, the rules here check the party):
// - review, merge, split: admin, secretariat and monitors, who investigate. Co-chairs determine;
//   they do not grade the evidence they then decide on.
// - claims: the task force (admin, secretariat, co-chair) records any party's claim; a liaison
//   only its own party's, on an incident it may see.
// - requests for information: the secretariat (and admins); answers: the addressed party's liaison.
// - determinations: a co-chair proposes (its party concurs at once); another co-chair party of the
//   terms concurs; it stands once every co-chair party of the terms has. One open proposal at a
//   time: a new one supersedes the open one (which can no longer be concurred with), so a co-chair
//   who disagrees answers with its own proposal. A standing determination stays the incident's
//   until a later proposal stands.
// - publication: the secretariat (and admins), once the incident is reviewed to a decision.
import { getAccount } from '../auth/lookup.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Actor, Writer } from '../ledger/ledger.ts';
import { listParties } from '../parties/lookup.ts';
import { listTerms, type TermsRecord } from '../terms/lookup.ts';
import { lockGrouping, refreshIncident } from './grouping.store.ts';
import { reportJson as reportOut } from './report-routes.ts';
import { getReports, type ReportRecord } from './reports.store.ts';
import { isDecided, reviewFault, type Grade } from './review.ts';
import type { ClaimBody, DeterminationBody, MergeBody, RequestBody, ReviewBody, SplitBody } from './schemas.ts';
import * as store from './store.ts';
import { incidentScope, isDesk, reportView, seesActors, seesClaim, seesDetermination, seesRequest, type Scope, type Viewer } from './visibility.ts';

export const REVIEWERS: readonly Role[] = ['admin', 'secretariat', 'monitor'];
export const CLAIM_RECORDERS: readonly Role[] = ['admin', 'cochair', 'secretariat', 'liaison'];
export const REQUESTERS: readonly Role[] = ['admin', 'secretariat'];
export const ANSWERERS: readonly Role[] = ['liaison'];
export const DETERMINERS: readonly Role[] = ['cochair'];
export const PUBLISHERS: readonly Role[] = ['admin', 'secretariat'];

/** An incident's summary from its reports, by intake's rule (summary.ts). */
const refresh = (q: Queryable, id: string) => refreshIncident(q, id);

/** The caller as visibility.ts needs it; the system (seeding) sees as the desk does. */
export async function viewerOf(q: Queryable, p: Principal | Actor): Promise<Viewer> {
  if (p.role === 'system') return { role: 'admin', accountId: '', partyId: null, organisation: null };
  const role = p.role as Role;
  const organisation = role === 'agency' && p.accountId ? ((await getAccount(q, p.accountId))?.organisation ?? null) : null;
  return { role, accountId: p.accountId ?? '', partyId: p.partyId ?? null, organisation };
}

const visibilityOf = (v: Viewer, s: { desk: boolean }): store.Visibility => (s.desk ? { all: true } : { all: false, partyId: v.role === 'liaison' ? v.partyId : null });
export const listVisibility = (v: Viewer): store.Visibility => visibilityOf(v, { desk: isDesk(v.role) });

export interface Seen {
  incident: store.IncidentRecord;
  /** What decides who sees it: the incident itself, or the one it was merged into. */
  head: store.IncidentRecord;
  scope: Exclude<Scope, null>;
}

/** The incident as this viewer may see it, or 404 as if it did not exist. */
export async function seen(q: Queryable, v: Viewer, id: string, lock = false): Promise<Seen> {
  const incident = await store.getIncident(q, id, lock);
  const head = incident?.mergedInto ? await store.getIncident(q, incident.mergedInto) : incident;
  const scope = head ? incidentScope(v, head) : null;
  if (!incident || !head || !scope) throw notFound('incident', id);
  return { incident, head, scope };
}

/** An incident a step is recorded on: seen, and not merged away. */
async function live(w: Writer, id: string, field = 'id'): Promise<Seen> {
  const s = await seen(w.q, await viewerOf(w.q, w.actor), id, true);
  if (s.incident.mergedInto) {
    throw new ApiError('INCIDENT_MERGED', `The incident was merged into ${s.incident.mergedInto}; record this there.`, field, { mergedInto: s.incident.mergedInto });
  }
  return s;
}

const by = (w: Writer) => ({ accountId: w.actor.accountId, role: w.actor.role });

/** Parties the body names must exist: 422 naming the first unknown one. */
async function checkParties(q: Queryable, ids: { field: string; id: string }[]) {
  if (!ids.length) return;
  const known = new Set((await listParties(q, { ids: ids.map((x) => x.id) })).map((p) => p.id));
  const bad = ids.find((x) => !known.has(x.id));
  if (bad) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${bad.id}.`, bad.field);
}

const CLOCK_LEEWAY_MS = 5 * 60_000;

// ---- review, merge, split, publish

export async function review(w: Writer, id: string, b: ReviewBody): Promise<store.IncidentRecord> {
  const { incident } = await live(w, id);
  const grade = (b.grade ?? null) as Grade | null;
  const fault = reviewFault(incident.status, b.status, grade);
  if (fault?.kind === 'transition') throw new ApiError('INCIDENT_TRANSITION', `The incident is "${incident.status}": ${fault.reason}.`, fault.field, { incidentStatus: incident.status });
  if (fault) throw new ApiError('INCONSISTENT', `${fault.reason[0].toUpperCase()}${fault.reason.slice(1)}.`, fault.field);
  const reasoning = b.reasoning.trim();
  const updated = await store.setReview(w.q, id, b.status, grade, reasoning);
  const e = await store.insertEvent(w.q, { incidentId: id, type: 'review', status: b.status, grade, reasoning }, by(w));
  w.record('incident.reviewed', 'incident_event', e.row);
  w.record('incident.reviewed', 'incident', updated.row);
  return updated;
}

/** The others' reports move into this incident, pinned; the others are merged into it. */
export async function merge(w: Writer, id: string, b: MergeBody): Promise<store.IncidentRecord> {
  await lockGrouping(w.q); // no report is filed into these incidents meanwhile
  const all = await store.getIncidents(w.q, [id, ...b.incidentIds], true);
  const { incident: target } = await live(w, id);
  const self = b.incidentIds.indexOf(id);
  if (self >= 0) throw new ApiError('INCONSISTENT', 'An incident cannot be merged into itself.', `incidentIds.${self}`);
  b.incidentIds.forEach((other, i) => {
    const o = all.get(other);
    const field = `incidentIds.${i}`;
    if (!o) throw new ApiError('UNKNOWN_REFERENCE', `No incident with id ${other}.`, field);
    if (o.mergedInto) throw new ApiError('INCIDENT_MERGED', `Incident ${other} was merged into ${o.mergedInto} already.`, field, { mergedInto: o.mergedInto });
    // the public would lose sight of what was published
    if (o.publishedAt && !target.publishedAt) throw new ApiError('INCONSISTENT', `Incident ${other} is published and this one is not: publish this one first, or merge the other way.`, field);
  });
  const moving = (await store.placementsOf(w.q, b.incidentIds)).map((p) => p.reportId);
  const staying = (await store.placementsOf(w.q, [id])).map((p) => p.reportId);
  await store.placeReports(w.q, [...staying, ...moving], id, w.actor.accountId); // the reviewer's grouping: all pinned
  for (const other of b.incidentIds) {
    const m = await store.setMerged(w.q, other, id);
    const e = await store.insertEvent(w.q, { incidentId: other, type: 'merge', status: 'merged', detail: { mergedInto: id } }, by(w));
    w.record('incident.merged', 'incident_event', e.row);
    w.record('incident.merged', 'incident', m.row);
    for (const earlier of await store.repointMerged(w.q, other, id)) w.record('incident.merged', 'incident', earlier);
  }
  await refresh(w.q, id);
  const e = await store.insertEvent(w.q, { incidentId: id, type: 'merge', status: target.status, detail: { incidentIds: b.incidentIds, reportIds: moving } }, by(w));
  w.record('incident.merged', 'incident_event', e.row);
  w.record('incident.merged', 'incident', id);
  return (await store.getIncident(w.q, id))!;
}

/** Some reports of this incident become a new one; both keep their reports pinned. */
export async function split(w: Writer, id: string, b: SplitBody): Promise<store.IncidentRecord> {
  await lockGrouping(w.q);
  const { incident } = await live(w, id);
  const mine = (await store.placementsOf(w.q, [id])).map((p) => p.reportId);
  const have = new Set(mine);
  const bad = b.reportIds.findIndex((r) => !have.has(r));
  if (bad >= 0) throw new ApiError('INCONSISTENT', `Report ${b.reportIds[bad]} is not one of this incident's reports.`, `reportIds.${bad}`);
  const moving = new Set(b.reportIds);
  const staying = mine.filter((r) => !moving.has(r));
  if (!staying.length) throw new ApiError('INCONSISTENT', 'A split leaves at least one report in the incident; to move them all, merge instead.', 'reportIds');
  const created = await store.insertIncidentLike(w.q, incident);
  await store.placeReports(w.q, b.reportIds, created.id, w.actor.accountId);
  await store.placeReports(w.q, staying, id, w.actor.accountId);
  await refresh(w.q, id);
  await refresh(w.q, created.id);
  const e1 = await store.insertEvent(w.q, { incidentId: id, type: 'split', status: incident.status, detail: { reportIds: b.reportIds, newIncidentId: created.id } }, by(w));
  const e2 = await store.insertEvent(w.q, { incidentId: created.id, type: 'split', status: 'reported', detail: { reportIds: b.reportIds, splitFrom: id } }, by(w));
  w.record('incident.created', 'incident', created.id);
  w.record('incident.split', 'incident_event', e1.row);
  w.record('incident.split', 'incident_event', e2.row);
  w.record('incident.split', 'incident', id);
  return (await store.getIncident(w.q, created.id))!;
}

export async function publish(w: Writer, id: string): Promise<store.IncidentRecord> {
  const { incident } = await live(w, id);
  if (incident.publishedAt) throw new ApiError('ALREADY_PUBLISHED', `The incident was published at ${incident.publishedAt.toISOString()}.`, 'id');
  if (!isDecided(incident.status)) throw new ApiError('INCIDENT_TRANSITION', `The incident is "${incident.status}": review it to a decision before publishing it.`, 'id', { incidentStatus: incident.status });
  const updated = await store.setPublished(w.q, id, w.actor.accountId);
  const e = await store.insertEvent(w.q, { incidentId: id, type: 'publish', status: incident.status, grade: incident.grade }, by(w));
  w.record('incident.published', 'incident_event', e.row);
  w.record('incident.published', 'incident', updated.row);
  return updated;
}

// ---- claims, requests, answers

export async function addClaim(w: Writer, id: string, b: ClaimBody): Promise<store.ClaimRecord> {
  await live(w, id);
  if (w.actor.role === 'liaison' && b.partyId !== w.actor.partyId) throw new ApiError('FORBIDDEN', 'A liaison records only its own party’s claims.', 'partyId');
  const claimedAt = new Date(b.claimedAt);
  if (claimedAt.getTime() > Date.now() + CLOCK_LEEWAY_MS) throw new ApiError('INCONSISTENT', 'A claim cannot be dated in the future.', 'claimedAt');
  const perpetrators = b.perpetratorPartyIds ?? [];
  await checkParties(w.q, [{ field: 'partyId', id: b.partyId }, ...perpetrators.map((p, i) => ({ field: `perpetratorPartyIds.${i}`, id: p }))]);
  const c = await store.insertClaim(
    w.q,
    { incidentId: id, partyId: b.partyId, claimedAt, text: b.text.trim(), perpetratorPartyIds: perpetrators, casualties: b.casualties ?? {}, source: b.source?.trim() ?? null },
    by(w),
  );
  w.record('claim.recorded', 'claim', c.row);
  return c;
}

/** `askedAt` is for recorded history (the demo); the API asks now. */
export async function requestInfo(w: Writer, id: string, b: RequestBody, askedAt?: Date): Promise<store.RequestRecord> {
  await live(w, id);
  await checkParties(w.q, [{ field: 'addressedToPartyId', id: b.addressedToPartyId }]);
  const dueAt = new Date(b.dueAt);
  const asked = askedAt ?? new Date();
  if (dueAt <= asked) throw new ApiError('INCONSISTENT', `dueAt (${dueAt.toISOString()}) must be after the request is made (${asked.toISOString()}).`, 'dueAt');
  const r = await store.insertRequest(w.q, { incidentId: id, addressedToPartyId: b.addressedToPartyId, question: b.question.trim(), dueAt, askedAt }, w.actor.accountId);
  w.record('info_request.sent', 'info_request', r.row);
  return r;
}

/** Only the liaison of the party asked answers; anyone else is told there is no such request. */
export async function answer(w: Writer, requestId: string, text: string, answeredAt?: Date): Promise<{ request: store.RequestRecord; answer: store.AnswerRecord }> {
  const request = await store.getRequest(w.q, requestId, true);
  const mayAnswer = w.actor.role === 'system' || (w.actor.role === 'liaison' && request?.addressedToPartyId === w.actor.partyId);
  if (!request || !mayAnswer) throw notFound('request for information', requestId);
  const a = await store.insertAnswer(w.q, { requestId, text: text.trim(), answeredAt }, w.actor.accountId);
  w.record('info_answer.given', 'info_answer', a.row);
  return { request: { ...request, answered: true }, answer: a };
}

// ---- determinations

/** The terms a proposal is under: the latest the proposer's party co-chaired when it proposed. */
export function termsOf(terms: TermsRecord[], partyId: string | null, at: Date): TermsRecord | null {
  const mine = terms.filter((t) => partyId !== null && t.cochairPartyIds.includes(partyId) && t.createdAt <= at);
  return mine.at(-1) ?? null;
}

export interface DeterminationView extends store.DeterminationRecord {
  standing: boolean;
  superseded: boolean;
  cochairPartyIds: string[];
  concurrences: store.ConcurrenceRecord[];
}

/** Standing and superseded, derived: the proposals of one incident family, oldest first. */
export async function determinationViews(q: Queryable, dets: store.DeterminationRecord[], heads: Map<string, string>): Promise<DeterminationView[]> {
  if (!dets.length) return [];
  const terms = await listTerms(q);
  const conc = await store.listConcurrences(q, dets.map((d) => d.id));
  const views = dets.map((d) => {
    const cochairs = termsOf(terms, d.proposedPartyId, d.proposedAt)?.cochairPartyIds ?? [];
    const concurrences = conc.filter((c) => c.determinationId === d.id);
    const have = new Set(concurrences.map((c) => c.partyId));
    return { ...d, cochairPartyIds: cochairs, concurrences, standing: cochairs.length > 0 && cochairs.every((p) => have.has(p)), superseded: false };
  });
  for (const v of views) {
    const head = heads.get(v.incidentId) ?? v.incidentId;
    v.superseded = !v.standing && views.some((o) => (heads.get(o.incidentId) ?? o.incidentId) === head && o.seq > v.seq);
  }
  return views;
}

export async function propose(w: Writer, id: string, b: DeterminationBody): Promise<DeterminationView> {
  const { incident } = await live(w, id);
  if (!isDecided(incident.status)) throw new ApiError('INCIDENT_TRANSITION', `The incident is "${incident.status}": it is reviewed to a decision before it is determined.`, 'id', { incidentStatus: incident.status });
  const partyId = w.actor.partyId;
  const terms = termsOf(await listTerms(w.q), partyId, new Date());
  if (!partyId || !terms) throw new ApiError('NOT_A_COCHAIR', 'Your party co-chairs no terms; only a co-chair of the terms determines.', 'partyId');
  const violators = b.violatorPartyIds ?? [];
  if (b.finding === 'violation' && !violators.length) throw new ApiError('INCONSISTENT', 'A violation names the parties that committed it.', 'violatorPartyIds');
  if (b.finding !== 'violation' && violators.length) throw new ApiError('INCONSISTENT', `A finding of "${b.finding}" names no violator.`, 'violatorPartyIds');
  await checkParties(w.q, violators.map((p, i) => ({ field: `violatorPartyIds.${i}`, id: p })));
  const d = await store.insertDetermination(w.q, { incidentId: id, finding: b.finding, violatorPartyIds: violators, reasoning: b.reasoning.trim(), proposedPartyId: partyId }, w.actor.accountId);
  w.record('determination.proposed', 'determination', d.row);
  const c = await store.insertConcurrence(w.q, { determinationId: d.id, partyId }, w.actor.accountId);
  w.record('determination.concurred', 'concurrence', c.row);
  const [view] = await determinationViews(w.q, [d], new Map());
  return view;
}

export async function concur(w: Writer, determinationId: string): Promise<{ concurrence: store.ConcurrenceRecord; determination: DeterminationView }> {
  const found = await store.getDetermination(w.q, determinationId);
  if (!found) throw notFound('determination', determinationId);
  const { head } = await seen(w.q, await viewerOf(w.q, w.actor), found.incidentId);
  await store.getIncident(w.q, head.id, true); // serialises with proposals on the incident
  const family = await store.familyOf(w.q, [head.id]);
  const dets = await store.listDeterminations(w.q, [...family.keys()]);
  const views = await determinationViews(w.q, dets, family);
  const d = views.find((x) => x.id === determinationId)!;
  const partyId = w.actor.partyId;
  if (!partyId || !d.cochairPartyIds.includes(partyId)) throw new ApiError('FORBIDDEN', 'Your party is not a co-chair of the terms this determination is under.', 'partyId');
  if (d.concurrences.some((c) => c.partyId === partyId)) throw new ApiError('ALREADY_CONCURRED', 'Your party has concurred with this determination already.', 'id');
  if (d.superseded) throw new ApiError('DETERMINATION_SUPERSEDED', 'A later proposal superseded this determination; concur with that one.', 'id');
  const c = await store.insertConcurrence(w.q, { determinationId, partyId }, w.actor.accountId);
  w.record('determination.concurred', 'concurrence', c.row);
  const [after] = await determinationViews(w.q, [d], family);
  return { concurrence: c, determination: after };
}

// ---- the read side: an incident as its caller sees it

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function determinationJson(d: DeterminationView) {
  return {
    id: d.id,
    incidentId: d.incidentId,
    finding: d.finding,
    violatorPartyIds: d.violatorPartyIds,
    reasoning: d.reasoning,
    proposedPartyId: d.proposedPartyId,
    proposedAt: d.proposedAt.toISOString(),
    standing: d.standing,
    superseded: d.superseded,
    concurredBy: d.concurrences.map((c) => c.partyId),
    cochairPartyIds: d.cochairPartyIds,
    concurrences: d.concurrences.map((c) => ({ id: c.id, partyId: c.partyId, concurredAt: c.concurredAt.toISOString() })),
  };
}

/** The incident's determination: the latest that stands, else (to the desk) the open proposal. */
function currentDetermination(views: DeterminationView[], s: Scope) {
  const standing = views.filter((d) => d.standing).at(-1);
  const d = standing ?? (s?.desk ? views.filter((x) => !x.superseded).at(-1) : undefined);
  return d ? { id: d.id, finding: d.finding, violatorPartyIds: d.violatorPartyIds, standing: d.standing, concurredBy: d.concurrences.map((c) => c.partyId) } : null;
}

export function incidentJson(i: store.IncidentRecord, dets: DeterminationView[], s: Scope) {
  return {
    id: i.id,
    status: i.status,
    grade: i.grade,
    reasoning: i.reasoning,
    eventType: i.eventType,
    occurredFrom: i.occurredFrom.toISOString(),
    occurredTo: i.occurredTo.toISOString(),
    location: i.location,
    locationPrecision: i.locationPrecision,
    pcodes: i.pcodes,
    perpetratorPartyIds: i.perpetratorPartyIds,
    targetPartyIds: i.targetPartyIds,
    casualties: i.casualties,
    reportCount: i.reportCount,
    mergedInto: i.mergedInto,
    publishedAt: iso(i.publishedAt),
    determination: currentDetermination(dets.filter((d) => seesDetermination(s, d)), s),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}
export type IncidentJson = ReturnType<typeof incidentJson>;

/** Incidents of a list, each as the viewer sees it (the list's WHERE clause let through only what it may see). */
export async function incidentsJson(q: Queryable, v: Viewer, items: store.IncidentRecord[]): Promise<IncidentJson[]> {
  if (!items.length) return [];
  const family = await store.familyOf(q, items.map((i) => i.id));
  const views = await determinationViews(q, await store.listDeterminations(q, [...family.keys()]), family);
  // listed, so seen (a list's rows carry no requests, so the liaison's party is not derived here):
  // of the scope only the desk flag shapes an incident's JSON, deciding which determinations show
  const scopeOf = (i: store.IncidentRecord): Scope => (isDesk(v.role) ? { desk: true } : { desk: false, published: i.publishedAt !== null, party: null });
  return items.map((i) => {
    const head = family.get(i.id) ?? i.id;
    return incidentJson(i, views.filter((d) => (family.get(d.incidentId) ?? d.incidentId) === head), scopeOf(i));
  });
}

const accessFacts = (r: ReportRecord) => ({
  reporterId: r.reporterId,
  reporterPartyId: r.reporterPartyId,
  reporterOrganisation: r.reporterOrganisation,
  nearestSite: (r.enrichment.nearestSite as { organisation: string | null; notifiedBy: string | null } | null) ?? null,
  notifiedSiteHit: (r.enrichment.notifiedSiteHit as { organisation: string | null; notifiedBy: string | null } | null) ?? null,
});
/** Reads every part of a report: the base of the redacted view, which then leaves parts out. */
const EVERYTHING: Viewer = { role: 'admin', accountId: '', partyId: null, organisation: null };

/**
 * A report inside an incident as the viewer may see it: as GET /reports/{id} shows it to that
 * viewer (report-access.ts), else, in a published incident, what was reported without who
 * reported it, the text, the sources or any site.
 */
function reportJson(r: ReportRecord, pinned: boolean, v: Viewer, s: Scope) {
  const view = reportView(v, accessFacts(r), s);
  if (!view) return null;
  const own = reportOut(r, v);
  if (own) return { ...own, pinned };
  const { text: _t, sources: _s, sourceRef: _r, reporter: _p, enrichment, ...rest } = reportOut(r, EVERYTHING)!;
  const { nearestSite: _n, notifiedSiteHit: _h, placeCandidates: _c, ...kept } = enrichment as Record<string, unknown>;
  return { ...rest, enrichment: kept, pinned };
}

const requestJson = (r: store.RequestRecord, answers: store.AnswerRecord[], now = Date.now()) => ({
  id: r.id,
  incidentId: r.incidentId,
  addressedToPartyId: r.addressedToPartyId,
  question: r.question,
  dueAt: r.dueAt.toISOString(),
  askedAt: r.askedAt.toISOString(),
  overdue: !r.answered && r.dueAt.getTime() < now,
  answers: answers.filter((a) => a.requestId === r.id).map((a) => ({ id: a.id, text: a.text, answeredAt: a.answeredAt.toISOString() })),
});

export const claimJson = (c: store.ClaimRecord) => ({
  id: c.id,
  incidentId: c.incidentId,
  partyId: c.partyId,
  claimedAt: c.claimedAt.toISOString(),
  text: c.text,
  perpetratorPartyIds: c.perpetratorPartyIds,
  casualties: c.casualties,
  source: c.source,
  recordedAt: c.recordedAt.toISOString(),
});

/**
 * What a merge or split says beyond the desk: the incidents merged into this one (seen as this one
 * is) or the one it was merged into; never the ids of reports (a liaison sees only its party's) nor
 * of the other half of a split, which may be unpublished.
 */
function outsideDetail(e: store.IncidentEventRecord): Record<string, unknown> {
  const d = e.detail as { incidentIds?: string[]; mergedInto?: string };
  if (e.type === 'merge') return d.incidentIds ? { incidentIds: d.incidentIds } : d.mergedInto ? { mergedInto: d.mergedInto } : {};
  return {};
}

/** GET /incidents/{id}: the incident, its reports, claims side by side, requests and answers, determinations and history, as the viewer may see them. */
export async function incidentDetail(q: Queryable, v: Viewer, id: string) {
  const { incident, scope } = await seen(q, v, id);
  const family = await store.familyOf(q, [incident.mergedInto ?? incident.id]);
  const ids = [...family.keys()];
  const dets = await determinationViews(q, await store.listDeterminations(q, ids), family);
  const requests = (await store.listRequests(q, ids)).filter((r) => seesRequest(scope, r));
  const answers = await store.listAnswers(q, requests.map((r) => r.id));
  const placed = await store.placementsOf(q, [incident.id]);
  const pinned = new Map(placed.map((p) => [p.reportId, p.pinned]));
  const reports = (await getReports(q, [...pinned.keys()]))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.seq - b.seq)
    .map((r) => reportJson(r, pinned.get(r.id) ?? false, v, scope))
    .filter((r) => r !== null);
  const history = (await store.listEvents(q, incident.id)).map((e) => ({
    type: e.type,
    status: e.status,
    grade: e.grade,
    reasoning: e.reasoning,
    detail: seesActors(scope) ? e.detail : outsideDetail(e),
    at: e.recordedAt.toISOString(),
    ...(seesActors(scope) ? { by: { accountId: e.recordedBy, role: e.recordedRole } } : {}),
  }));
  const now = Date.now();
  return {
    ...incidentJson(incident, dets, scope),
    reports,
    claims: (await store.listClaims(q, ids)).filter((c) => seesClaim(scope, c)).map(claimJson),
    requests: requests.map((r) => requestJson(r, answers, now)),
    determinations: dets.filter((d) => seesDetermination(scope, d)).map(determinationJson),
    history,
  };
}

/** GET /requests: the requests the viewer may see, with their answers. */
export async function requestsJson(q: Queryable, items: store.RequestRecord[]) {
  const answers = await store.listAnswers(q, items.map((r) => r.id));
  const now = Date.now();
  return items.map((r) => requestJson(r, answers, now));
}
