// What other capabilities may read of the desk: through here, never incidents/store.ts. The
// events hub asks incidentEventView what a principal sees of each desk event; the ledger asks
// the row readers registered here who may read a desk row (its salt and state).
import type { Principal } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { registerRowReader } from '../ledger/entities.ts';
import type { Actor, Writer } from '../ledger/ledger.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { clusterIndexOf } from './cluster-index.ts';
import { enricherFor } from './enrich.ts';
import { fileReports, prepareAll, type Rejection, type Reporter } from './intake.ts';
import type { ReportCreate } from './report-schemas.ts';
import { determinationJson, determinationViews, incidentsJson, listVisibility, requestsJson, seen, viewerOf, type IncidentJson, type Seen } from './service.ts';
import { reportJson, viewerOf as reportViewerOf } from './report-routes.ts';
import { getReport } from './reports.store.ts';
import * as store from './store.ts';
import { reportView, seesClaim, seesDetermination, seesRequest, type Scope } from './visibility.ts';

export { seesIncident, reportView, type Viewer, type Scope } from './visibility.ts';
export type { IncidentRecord } from './store.ts';

/** The desk event types the stream asks about. */
export const DESK_EVENT_TYPES = ['report', 'incident', 'incident_event', 'claim', 'info_request', 'info_answer', 'determination', 'concurrence'] as const;

/** A desk event as the hub hands it over (its LedgerEvent: more fields are ignored); a type alias, so a payload is a plain record. */
export type DeskEvent = {
  type: string;
  action: string;
  id: string;
  at: string;
};

/** The incident as this caller may see it, or null (never an error: unknown and unseen look alike). */
export async function scopeOf(q: Queryable, p: Principal | Actor, incidentId: string): Promise<Seen | null> {
  try {
    return await seen(q, await viewerOf(q, p), incidentId);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

async function standing(q: Queryable, d: store.DeterminationRecord): Promise<boolean> {
  const family = await store.familyOf(q, [d.incidentId]);
  const [v] = await determinationViews(q, [d], family);
  return v.standing;
}

/** The incident a desk row belongs to, if the caller may see that row: its scope decides the rest. */
async function rowIncident(q: Queryable, p: Principal | Actor, type: string, id: string): Promise<{ incidentId: string; s: Seen } | null> {
  const within = async (incidentId: string | undefined, row: (scope: Exclude<Scope, null>) => boolean | Promise<boolean>) => {
    if (!incidentId) return null;
    const s = await scopeOf(q, p, incidentId);
    return s && (await row(s.scope)) ? { incidentId, s } : null;
  };
  switch (type) {
    case 'incident':
      return within(id, () => true);
    case 'incident_event':
      return within((await store.getEvent(q, id))?.incidentId, () => true);
    case 'claim': {
      const c = await store.getClaim(q, id);
      return within(c?.incidentId, (s) => seesClaim(s, c!));
    }
    case 'info_request': {
      const r = await store.getRequest(q, id);
      return within(r?.incidentId, (s) => seesRequest(s, r!));
    }
    case 'info_answer': {
      const a = await store.getAnswer(q, id);
      const r = a ? await store.getRequest(q, a.requestId) : null;
      return within(r?.incidentId, (s) => seesRequest(s, r!));
    }
    case 'determination': {
      const d = await store.getDetermination(q, id);
      return within(d?.incidentId, async (s) => seesDetermination(s, { standing: await standing(q, d!) }));
    }
    case 'concurrence': {
      const c = await store.getConcurrence(q, id);
      const d = c ? await store.getDetermination(q, c.determinationId) : null;
      return within(d?.incidentId, async (s) => seesDetermination(s, { standing: await standing(q, d!) }));
    }
    case 'report': {
      const r = await getReport(q, id);
      if (!r) return null;
      const v = await viewerOf(q, p);
      const facts = { ...r, nearestSite: (r.enrichment.nearestSite as never) ?? null, notifiedSiteHit: (r.enrichment.notifiedSiteHit as never) ?? null };
      return within(r.incidentId ?? undefined, (s) => reportView(v, facts, s) !== null);
    }
    default:
      return null;
  }
}

/**
 * To wire into the events hub (src/events/views.ts), next to the row readers:
 *   for (const type of DESK_EVENT_TYPES) registerEventView(type, (q, p, e) => incidentEventView(q, p, e));
 * (`report` too: a report event reaches who may read that report, with its incident.)
 *
 * What a principal sees of a desk event on the stream: the event with the incident as that
 * principal sees it, or null when it may not see the row the event is about (a liaison another
 * party's claim, the public anything unpublished). Read at delivery time: the incident as it is now.
 */
export async function incidentEventView(q: Queryable, p: Principal, e: DeskEvent): Promise<(DeskEvent & { incident?: IncidentJson }) | null> {
  const hit = await rowIncident(q, p, e.type, e.id);
  if (!hit) return null;
  const [incident] = await incidentsJson(q, await viewerOf(q, p), [hit.s.incident]);
  return { type: e.type, action: e.action, id: e.id, at: e.at, incident };
}

/**
 * The ledger gives a desk row's salt and state to whoever may see the row (the desk reads all
 * already): a liaison what names its party, everyone what is published. Incident events name the
 * reviewer (a field monitor's account), so they stay the desk's.
 */
export function registerDeskReaders(): void {
  for (const type of ['incident', 'claim', 'info_request', 'info_answer', 'determination', 'concurrence'] as const) {
    registerRowReader(type, async (q, p, id) => (await rowIncident(q, p, type, id)) !== null);
  }
}

export { hasReportWithSource } from './store.ts';


/** What another capability files on the desk (aid: a blocked convoy, cargo removed at a checkpoint). */
export interface DeskFiling {
  eventType: 'siege_or_aid_denial';
  occurredAt: Date;
  /** [lon, lat] */
  location: [number, number];
  locationPrecision?: 'exact' | 'near';
  perpetratorPartyIds: string[];
  text: string;
  /** What the report came from, as one of its sources (e.g. the convoy: its API path), so the report links back. */
  source?: string;
  reporter: { accountId: string; role: string; partyId: string | null; organisation: string | null };
}

/**
 * Files one report in the caller's write, checked, enriched and grouped as POST /reports files
 * one; returns its id and incident's. Refused input throws the ApiError naming the field, so the
 * caller's whole write is refused with it.
 */
export async function fileDeskReport(db: Db, config: Config, w: Writer, f: DeskFiling): Promise<{ reportId: string; incidentId: string | null }> {
  const body: ReportCreate = {
    channel: 'api',
    occurredAt: f.occurredAt.toISOString(),
    location: { type: 'Point', coordinates: f.location },
    locationPrecision: f.locationPrecision ?? 'exact',
    eventType: f.eventType,
    perpetratorPartyIds: f.perpetratorPartyIds,
    text: f.text,
    ...(f.source ? { sources: [{ description: f.source }] } : {}),
  };
  const [outcome] = await prepareAll(w.q, [body], enricherFor(db, config), f.reporter as Reporter);
  const refuse = (r: Rejection) => new ApiError(r.code, r.detail, r.errors[0]?.field);
  if (!outcome.ok) throw refuse(outcome.rejection);
  const [filed] = await fileReports(w, [outcome], { distanceM: config.groupDistanceM, gapMs: config.groupGapH * 3_600_000 });
  if (!filed.ok) throw refuse(filed.rejection);
  return { reportId: filed.row.id, incidentId: filed.row.incidentId };
}

/** Filters another capability may list incidents by (OGC API – Features): located in the box; the window overlaps from..to. */
export interface IncidentAreaFilter {
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
}

/**
 * A page of incidents exactly as GET /api/v1/incidents lists them to this caller (its visibility,
 * `svc.listVisibility`, and the list's per-role JSON), newest first (`-occurredFrom`), keyset after
 * `after` ([microseconds, id], a key this function gave out); `keys` has one per item.
 */
export async function listIncidentsFor(
  q: Queryable,
  p: Principal,
  f: IncidentAreaFilter,
  page: { after?: [number, string]; limit: number },
): Promise<{ items: IncidentJson[]; keys: [number, string][] }> {
  const v = await viewerOf(q, p);
  const { items, keys } = await store.listIncidents(q, listVisibility(v), f, { sort: '-occurredFrom', after: page.after, limit: page.limit });
  return { items: await incidentsJson(q, v, items), keys };
}

/**
 * The number of incidents listIncidentsFor would give this caller over every page, exactly, from
 * the map's columnar index (cluster-index.ts: the list's WHERE clause over typed arrays, held equal
 * to the SQL for every role by its tests) rather than a count(*) that reads every matching row: a
 * scan of a million rows takes 20-50 ms, remembered for the same ask until the index moves on (a
 * client paging through a collection asks it on every page). Current to the ledger's last entry this instance has
 * heard of (its own writes at once, another instance's when the events hub brings them, within
 * config.clusterRefreshMs at most), as the map's counts are.
 */
export async function countIncidentsFor(db: Db, p: Principal, f: IncidentAreaFilter, refreshMs?: number): Promise<number> {
  const visibility = listVisibility(await viewerOf(db, p));
  return clusterIndexOf(db, refreshMs).count({ bbox: f.bbox, from: f.from, to: f.to, visibility });
}

/** One incident as the list shows it to this caller, or null when it is not in the caller's list (unseen, unknown or merged away). */
export async function listedIncidentFor(q: Queryable, p: Principal, id: string): Promise<IncidentJson | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const s = await scopeOf(q, p, id);
  if (!s || s.incident.mergedInto || s.incident.status === 'merged') return null;
  const [json] = await incidentsJson(q, await viewerOf(q, p), [s.incident]);
  return json;
}

// ---- exports (src/exports): the incident list as GET /incidents gives it, page by page

export { viewerOf } from './service.ts';
export type { IncidentJson } from './service.ts';
export type { IncidentFilter } from './store.ts';
import type { Viewer } from './visibility.ts';
/** The list's filters from its query (bbox, from/to, type, partyId, status, grade, pcode), refused as GET /incidents refuses them. */
export { filterOf as incidentFilterOf } from './routes.ts';

/**
 * One keyset page of GET /api/v1/incidents for this viewer: exactly the list's visibility
 * (listVisibility in SQL), filters and order (newest first), each incident as incidentsJson gives
 * it to the viewer. `next` is the key to continue after, null on the last page. One statement for
 * the page and a few for its determinations, on whatever connection is free: nothing is held between pages.
 */
export async function incidentPage(
  q: Queryable,
  v: Viewer,
  f: store.IncidentFilter,
  page: { after?: [number, string]; limit: number },
): Promise<{ items: IncidentJson[]; next: [number, string] | null }> {
  const { items, keys } = await store.listIncidents(q, listVisibility(v), f, { sort: '-occurredFrom', after: page.after, limit: page.limit });
  return { items: await incidentsJson(q, v, items), next: keys.length === page.limit ? keys[keys.length - 1] : null };
}

// ---- webhooks (src/webhooks): what a liaison or an agency is told, exactly as it may read it through the API

/** A request for information as this caller may read it (GET /requests' entry) with its incident as the caller sees it, or null. */
export async function requestAsSeenBy(q: Queryable, p: Principal, requestId: string) {
  const hit = await rowIncident(q, p, 'info_request', requestId);
  const r = hit && (await store.getRequest(q, requestId));
  if (!hit || !r) return null;
  const [request] = await requestsJson(q, [r]);
  const [incident] = await incidentsJson(q, await viewerOf(q, p), [hit.s.incident]);
  return { request, incident, answered: r.answered };
}

/** Requests for information not answered and due in (from, to], oldest deadline first, at most `limit` (the deadline notices). */
export const openRequestsDue = (q: Queryable, from: Date, to: Date, limit: number, after?: { dueAt: Date; seq: number }) => store.openRequestsDue(q, from, to, limit, after);

/**
 * The determination a `determination` or `concurrence` entry is about, as this caller may read it
 * (a liaison: only once it stands), with its incident as the caller sees it; null when it may not.
 */
export async function determinationAsSeenBy(q: Queryable, p: Principal, type: 'determination' | 'concurrence', id: string) {
  const detId = type === 'determination' ? id : (await store.getConcurrence(q, id))?.determinationId;
  if (!detId) return null;
  const hit = await rowIncident(q, p, 'determination', detId);
  const d = hit && (await store.getDetermination(q, detId));
  if (!hit || !d) return null;
  const [view] = await determinationViews(q, [d], await store.familyOf(q, [d.incidentId]));
  const [incident] = await incidentsJson(q, await viewerOf(q, p), [hit.s.incident]);
  return { determination: determinationJson(view), standing: view.standing, incident };
}

/** A report as this caller may read it (GET /reports/{id}), or null. */
export async function reportAsSeenBy(q: Queryable, p: Principal, id: string) {
  const r = await getReport(q, id);
  return r ? reportJson(r, await reportViewerOf(q, p)) : null;
}
// ---- imports (src/imports): filing rows of a file as reports, as POST /reports/batch files them ----
export { prepareAll, fileReports, type Outcome, type Filed, type Reporter, type Rejection } from './intake.ts';
export { enricherFor } from './enrich.ts';
export { existingSourceRefs } from './reports.store.ts';
export { ReportCreate } from './report-schemas.ts';
