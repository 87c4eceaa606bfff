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
import { enricherFor } from './enrich.ts';
import { fileReports, prepareAll, type Rejection, type Reporter } from './intake.ts';
import type { ReportCreate } from './report-schemas.ts';
import { determinationViews, incidentsJson, seen, viewerOf, type IncidentJson, type Seen } from './service.ts';
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

// ---- imports (src/imports): filing rows of a file as reports, as POST /reports/batch files them ----
export { prepareAll, fileReports, type Outcome, type Filed, type Reporter, type Rejection } from './intake.ts';
export { enricherFor } from './enrich.ts';
export { existingSourceRefs } from './reports.store.ts';
export { ReportCreate } from './report-schemas.ts';
