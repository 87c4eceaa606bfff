// Filing reports: the checks a schema cannot make (known parties, a time the terms cover, a real
// location, figures that fit), locating a place name, enrichment, then in one write the rows,
// their leaves (report.filed) and their grouping into incidents. One batch is one transaction
// and one ledger append; every row is accepted or refused on its own.
import { randomUUID } from 'node:crypto';
import { geometryFault, type Geometry } from '../geo/geojson.ts';
import { ApiError, type ErrorCode, type FieldError } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import type { Queryable, Row } from '../db/db.ts';
import { attachProofs, enrichPlace, placePrecision, type Enricher, type Enrichment, type Gazetteer, type Reference, type Unproved } from './enrich.ts';
import { occurredWindow, type GroupSettings, type LocationPrecision } from './group.ts';
import { groupReports } from './grouping.ts';
import type { ReportCreate } from './report-schemas.ts';
import * as store from './reports.store.ts';
import type { Casualties, ReportFacts, Units } from './summary.ts';
import type { Place } from '../places/lookup.ts';

/** A reported time may be this far ahead of the server's clock (a caller's clock is never exact). */
const CLOCK_LEEWAY_MS = 5 * 60_000;
/** Most candidate places kept for a reviewer when a place name is ambiguous. */
const MAX_CANDIDATES = 20;

/** Who files: the caller, as stored with the report. */
export interface Reporter {
  accountId: string;
  role: string;
  partyId: string | null;
  organisation: string | null;
}

export interface Rejection {
  code: ErrorCode;
  detail: string;
  errors: FieldError[];
}

/** A row ready to store: the row, what grouping reads of it, its enrichment. */
export interface Prepared {
  row: store.NewReport;
  facts: ReportFacts;
}

export type Outcome = { ok: true; prepared: Prepared } | { ok: false; rejection: Rejection };

/** A place's own P-code, or that of the finest unit holding it (a town's sub-district). */
const pcodeOf = (p: Place) => p.pcode ?? p.adm3?.code ?? p.adm2?.code ?? p.adm1?.code ?? null;

const reject = (code: ErrorCode, field: string, reason: string): never => {
  throw new ApiError(code, reason, field);
};

function checkFigures(c: Casualties | undefined) {
  for (const kind of ['killed', 'injured'] as const) {
    const f = c?.[kind];
    if (!f) continue;
    const at = `casualties.${kind}`;
    if (f.low != null && f.low > f.best) reject('INCONSISTENT', `${at}.low`, `${at}.low (${f.low}) is above the best estimate (${f.best}).`);
    if (f.high != null && f.high < f.best) reject('INCONSISTENT', `${at}.high`, `${at}.high (${f.high}) is below the best estimate (${f.best}).`);
    if (f.civilians != null && f.civilians > (f.high ?? f.best)) reject('INCONSISTENT', `${at}.civilians`, `${at}.civilians (${f.civilians}) is more than the ${f.high != null ? 'high' : 'best'} estimate of all ${kind}.`);
  }
}

/** The ids in the form PostgreSQL writes them (lower case), each a known party. */
function checkParties(ref: Reference, ids: string[] | undefined, field: string): string[] {
  return (ids ?? []).map((raw, i) => {
    const id = raw.toLowerCase();
    if (!ref.partyIds.has(id)) reject('UNKNOWN_REFERENCE', `${field}.${i}`, `No party with id ${raw}.`);
    return id;
  });
}

/**
 * Checks one schema-valid report and builds its row (no I/O: the reference data and gazetteer are
 * in memory). Throws an ApiError naming the field for what does not fit.
 */
export function prepareReport(b: ReportCreate, ctx: { ref: Reference; gaz: Gazetteer; reporter: Reporter; now: Date; siteSearchM: number }): Prepared & { unproved: Unproved } {
  const { ref } = ctx;
  if (!b.location && !b.placeName) reject('VALIDATION_FAILED', 'location', 'location or placeName is required: where did it happen?');
  if (b.locationPrecision && !b.location) reject('VALIDATION_FAILED', 'locationPrecision', 'locationPrecision describes a location; none was given (a place name is located by the gazetteer).');
  if (b.location) {
    const { fault } = geometryFault(b.location as Geometry, 'location');
    if (fault) reject('INVALID_GEOMETRY', fault.field, `${fault.field}: ${fault.reason}.`);
  }
  if (b.sourceRef !== undefined && b.channel !== 'import') reject('INCONSISTENT', 'sourceRef', 'sourceRef is an importer’s own id: only reports of channel import carry one.');
  const perpetrators = checkParties(ref, b.perpetratorPartyIds, 'perpetratorPartyIds');
  const targets = checkParties(ref, b.targetPartyIds, 'targetPartyIds');
  for (const [ids, field] of [[perpetrators, 'perpetratorPartyIds'], [targets, 'targetPartyIds']] as const) {
    if (new Set(ids).size < ids.length) reject('VALIDATION_FAILED', field, `${field} names a party twice.`);
  }
  checkFigures(b.casualties);

  const at = new Date(b.occurredAt);
  const precision = b.occurredPrecision ?? 'exact';
  const window = occurredWindow(at, precision);
  if (at.getTime() > ctx.now.getTime() + CLOCK_LEEWAY_MS) reject('INCONSISTENT', 'occurredAt', `occurredAt (${at.toISOString()}) is in the future.`);
  if (!ref.termsSince) reject('NO_TERMS', 'occurredAt', 'There are no terms of a ceasefire yet: nothing can violate them.');
  if (window.to < ref.termsSince!) reject('INCONSISTENT', 'occurredAt', `occurredAt (${at.toISOString()}) is before the terms existed (${ref.termsSince!.toISOString()}).`);

  let lon: number | null = null;
  let lat: number | null = null;
  let locationPrecision: LocationPrecision | null = null;
  let units: Units | undefined;
  const extra: Pick<Enrichment, 'located' | 'placeCandidates'> = {};
  if (b.location) {
    [lon, lat] = b.location.coordinates as number[];
    locationPrecision = b.locationPrecision ?? 'exact';
  } else {
    const found = ctx.gaz.resolvePlace(b.placeName!);
    if ('match' in found) {
      const m = found.match;
      ({ lon, lat } = m);
      locationPrecision = placePrecision(m);
      units = { adm1: m.adm1, adm2: m.adm2, adm3: m.adm3 };
      extra.located = { placeName: b.placeName!, name: m.name, pcode: pcodeOf(m) };
    } else {
      extra.placeCandidates = found.candidates.slice(0, MAX_CANDIDATES).map((c) => ({ name: c.name, pcode: pcodeOf(c), lon: c.lon, lat: c.lat }));
    }
  }
  const unproved = { ...enrichPlace(ref, ctx.gaz, { lon, lat, precision: locationPrecision, at, units }, ctx.siteSearchM), ...extra };
  const casualties = b.casualties ?? {};
  const row: store.NewReport = {
    id: randomUUID(),
    channel: b.channel,
    occurred_at: at.toISOString(),
    occurred_precision: precision,
    occurred_from: window.from.toISOString(),
    occurred_to: window.to.toISOString(),
    lon,
    lat,
    location_precision: locationPrecision,
    place_name: b.placeName ?? null,
    event_type: b.eventType,
    perpetrator_party_ids: perpetrators,
    target_party_ids: targets,
    casualties,
    sources: b.sources ?? [],
    text: b.text ?? null,
    source_ref: b.sourceRef ?? null,
    reporter_id: ctx.reporter.accountId,
    reporter_role: ctx.reporter.role,
    reporter_party_id: ctx.reporter.partyId,
    reporter_organisation: ctx.reporter.organisation,
    enrichment: {},
  };
  const facts: ReportFacts = {
    seq: 0, // set once stored
    eventType: b.eventType,
    from: window.from,
    to: window.to,
    location: lon === null ? null : [lon, lat!],
    locationPrecision,
    pcodes: unproved.pcodes,
    perpetratorPartyIds: row.perpetrator_party_ids,
    targetPartyIds: row.target_party_ids,
    casualties,
  };
  return { row, facts, unproved };
}

const asRejection = (e: unknown): Rejection => {
  if (!(e instanceof ApiError)) throw e;
  return { code: e.code, detail: e.detail, errors: [{ field: e.field ?? '(body)', reason: e.detail }] };
};

/** Prepares every row (outside any transaction: CPU and at most a few proof reads). */
export async function prepareAll(q: Queryable, inputs: (ReportCreate | Rejection)[], enricher: Enricher, reporter: Reporter): Promise<Outcome[]> {
  const ref = await enricher.reference(q);
  const gaz = await enricher.gazetteer;
  const now = new Date();
  const ready: { i: number; p: Prepared & { unproved: Unproved } }[] = [];
  const out: Outcome[] = inputs.map((b, i) => {
    if ('code' in b && 'errors' in b) return { ok: false, rejection: b };
    try {
      const p = prepareReport(b as ReportCreate, { ref, gaz, reporter, now, siteSearchM: enricher.siteSearchM });
      ready.push({ i, p });
      return { ok: true, prepared: p };
    } catch (e) {
      return { ok: false, rejection: asRejection(e) };
    }
  });
  const proved = await attachProofs(q, ready.map((r) => r.p.unproved));
  ready.forEach((r, k) => {
    r.p.row.enrichment = proved[k];
    (out[r.i] as { prepared: Prepared }).prepared = { row: r.p.row, facts: r.p.facts };
  });
  return out;
}

export type Filed = { ok: true; row: store.ReportRecord } | { ok: false; rejection: Rejection };

/**
 * Stores the accepted rows in the write's transaction: refuses a sourceRef imported already (or
 * twice in the batch), inserts the rest in one statement, records a leaf per report and groups
 * them (with `cache`, a key such as the database: grouping's candidates from memory). Returns
 * each row's outcome in input order.
 */
export async function fileReports(w: Writer, outcomes: Outcome[], settings: GroupSettings, opts: { cache?: object } = {}): Promise<Filed[]> {
  const result: Filed[] = outcomes.map((o) => (o.ok ? (null as never) : { ok: false, rejection: o.rejection }));
  const key = (r: store.NewReport) => `${r.channel}\u0000${r.source_ref}`;
  const candidates = outcomes.flatMap((o, i) => (o.ok ? [{ i, p: o.prepared }] : []));
  const refs = candidates.filter((c) => c.p.row.source_ref !== null);
  const taken = await store.existingSourceRefs(w.q, refs.map((c) => ({ channel: c.p.row.channel, sourceRef: c.p.row.source_ref! })));
  const duplicate = (existingId: string | null): Rejection => ({
    code: 'DUPLICATE',
    detail: existingId ? `A report with this sourceRef was imported already (${existingId}).` : 'This sourceRef appears twice in the batch.',
    errors: [{ field: 'sourceRef', reason: existingId ? `already imported as report ${existingId}` : 'appears earlier in this batch' }],
  });
  const seen = new Set<string>();
  const keep: typeof candidates = [];
  for (const c of candidates) {
    if (c.p.row.source_ref !== null) {
      const k = key(c.p.row);
      if (taken.has(k) || seen.has(k)) {
        result[c.i] = { ok: false, rejection: duplicate(taken.get(k) ?? null) };
        continue;
      }
      seen.add(k);
    }
    keep.push(c);
  }
  const stored = await store.insertReports(w.q, keep.map((c) => c.p.row));
  const filed: { i: number; p: Prepared; stored: Row }[] = [];
  for (const c of keep) {
    const r = stored.get(c.p.row.id);
    if (!r) result[c.i] = { ok: false, rejection: duplicate(null) }; // imported by another request a moment ago
    else filed.push({ i: c.i, p: c.p, stored: r });
  }
  for (const f of filed) {
    w.record('report.filed', 'report', f.stored);
    f.p.facts.seq = Number(f.stored.seq);
  }
  const placed = await groupReports(w, filed.map((f) => ({ reportId: f.p.row.id, facts: f.p.facts })), settings, opts.cache ?? null);
  for (const f of filed) result[f.i] = { ok: true, row: store.toReport({ ...f.stored, incident_id: placed.get(f.p.row.id) ?? null }) };
  return result;
}
