// Reports: filing one or a batch (with Idempotency-Key), reading one as the caller may see it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { principal } from '../auth/hook.ts';
import { getAccount } from '../auth/lookup.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { IdParams } from '../http/schemas.ts';
import { fieldErrors, makeValidatorCompiler } from '../http/validation.ts';
import { registerRowReader } from '../ledger/entities.ts';
import { eventsHub } from '../events/hub.ts';
import { toAcled } from './acled.ts';
import { changedSince, enricherFor, reenrich, REFERENCE_TYPES, type Enrichment } from './enrich.ts';
import { bodyHash, IDEMPOTENCY_HEADER, idempotencyKey, once, type Sent } from './idempotency.ts';
import { fileReports, prepareAll, type Rejection, type Reporter } from './intake.ts';
import { reportParts, type ReportAccessFacts, type Viewer } from './report-access.ts';
import * as S from './report-schemas.ts';
import * as store from './reports.store.ts';
import { NO_UNITS } from './summary.ts';

/** Who may file a report: everyone but analysts and the public (who read published incidents). */
export const REPORTERS: readonly Role[] = ['admin', 'secretariat', 'cochair', 'monitor', 'liaison', 'agency'];

const VISIBILITY =
  'The task force and monitors see every report; the reporter its own; a liaison its own party’s; an agency its own organisation’s and those that hit a site it notified; ' +
  'any other report is answered 404, as if it did not exist. The reporter is shown to the task force, monitors and the reporter; the nearest site and a site hit only to ' +
  'the task force and the agency whose site it is.';

const accessFacts = (r: store.ReportRecord): ReportAccessFacts => {
  const e = r.enrichment as Partial<Enrichment>;
  return { reporterId: r.reporterId, reporterPartyId: r.reporterPartyId, reporterOrganisation: r.reporterOrganisation, nearestSite: e.nearestSite ?? null, notifiedSiteHit: e.notifiedSiteHit ?? null };
};

/** A report as a viewer may see it; null when the viewer may not see it at all. */
export function reportJson(r: store.ReportRecord, v: Viewer) {
  const parts = reportParts(v, accessFacts(r));
  if (!parts) return null;
  const e = r.enrichment as Partial<Enrichment>;
  const site = e.nearestSite;
  const hit = e.notifiedSiteHit;
  return {
    id: r.id,
    channel: r.channel,
    occurredAt: r.occurredAt.toISOString(),
    occurredPrecision: r.occurredPrecision,
    occurredWindow: { from: r.occurredFrom.toISOString(), to: r.occurredTo.toISOString() },
    location: r.location ? { type: 'Point' as const, coordinates: r.location } : null,
    locationPrecision: r.locationPrecision,
    placeName: r.placeName,
    eventType: r.eventType,
    acled: toAcled(r.eventType),
    perpetratorPartyIds: r.perpetratorPartyIds,
    targetPartyIds: r.targetPartyIds,
    casualties: r.casualties,
    sources: r.sources,
    text: r.text,
    sourceRef: r.sourceRef,
    ...(parts.reporter ? { reporter: { accountId: r.reporterId, role: r.reporterRole, partyId: r.reporterPartyId, organisation: r.reporterOrganisation } } : {}),
    filedAt: r.filedAt.toISOString(),
    incidentId: r.incidentId,
    enrichment: {
      pcodes: e.pcodes ?? NO_UNITS,
      territory: e.territory ?? null,
      ...(parts.nearestSite ? { nearestSite: site ? { siteId: site.siteId, name: site.name, distanceM: site.distanceM } : null } : {}),
      ...(parts.notifiedSiteHit ? { notifiedSiteHit: hit ? { siteId: hit.siteId, notifiedAt: hit.notifiedAt, leafIndex: hit.leafIndex, proof: hit.proof } : null } : {}),
      ...(e.located ? { located: e.located } : {}),
      ...(e.placeCandidates ? { placeCandidates: e.placeCandidates } : {}),
    },
    enrichedAt: r.enrichedAt ? r.enrichedAt.toISOString() : null,
  };
}

/** The caller as reports see it: its organisation too (an agency's). */
export async function viewerOf(q: Queryable, p: Principal): Promise<Viewer & Reporter> {
  const organisation = (await getAccount(q, p.accountId))?.organisation ?? null;
  return { accountId: p.accountId, role: p.role, partyId: p.partyId, organisation };
}

const problemOf = (r: Rejection) => new ApiError(r.code, r.detail, r.errors[0]?.field);

export async function reportRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['reports'];
  const enricher = enricherFor(db, config);
  const settings = { distanceM: config.groupDistanceM, gapMs: config.groupGapH * 3_600_000 };
  // each row of a batch is checked with the single report's schema, compiled once here
  const checkRow = makeValidatorCompiler({ minYear: config.minYear, maxYear: config.maxYear })({ schema: S.ReportCreate, httpPart: 'body', method: 'POST', url: '/api/v1/reports' } as never) as ((x: unknown) => boolean) & { errors: unknown[] | null };

  registerRowReader('report', async (q, p, id) => {
    const rep = await store.getReport(q, id);
    return rep !== null && reportParts(await viewerOf(q, p), accessFacts(rep)) !== null;
  });

  // Enrichment follows the reference data: after a territory, site or party change committed
  // through this instance, the reports it affects (from when it takes effect) are enriched again.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  const refresh = async () => {
    const { ref, replaced } = await enricher.current(db);
    if (!replaced) return;
    const since = changedSince(replaced, ref);
    if (since !== null) await reenrich(db, since === Number.NEGATIVE_INFINITY ? {} : { since: new Date(since) });
  };
  const run = () => {
    again = false;
    running = running.then(refresh).catch((e) => app.log.error({ err: e }, 'reenrich failed'));
  };
  // the hub brings other instances' territory and site changes too: each refreshes its reference cache (re-enriching is idempotent)
  const stop = eventsHub(db).onEvents((events) => {
    if (!events.some((e) => (REFERENCE_TYPES as readonly string[]).includes(e.type))) return;
    again = true;
    clearTimeout(timer);
    timer = setTimeout(() => again && run(), 100); // a burst of writes is one pass
  });
  let warm: Promise<unknown> = Promise.resolve();
  app.addHook('onReady', async () => {
    // so the first change has a "before"; the gazetteer after it (it waits for the vetting index's parts, so neither delays the first decision)
    warm = enricher
      .current(db)
      .then(() => enricher.gazetteer)
      .catch((e) => app.log.warn({ err: e }, 'enrichment reference or gazetteer not loaded'));
    app.jobs.warm(warm);
  });
  app.addHook('onClose', async () => {
    stop();
    clearTimeout(timer);
    await warm;
    await running;
  });

  const reporterOf = (req: Parameters<typeof principal>[0]) => viewerOf(db, principal(req));

  /** A stored answer for this key, read before any work (a retry is cheap); the transaction checks again. */
  async function replayed(me: Principal, key: string | null, route: string, hash: string): Promise<Sent | null> {
    if (!key) return null;
    const seen = await store.getIdempotency(db, me.accountId, key);
    if (!seen || Date.now() - seen.createdAt.getTime() >= config.idempotencyTtlS * 1000) return null;
    if (seen.route !== route || seen.bodyHash !== hash) throw new ApiError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with another request; send a new key for a new request.', 'Idempotency-Key');
    return { status: seen.status, text: seen.response, replayed: true };
  }

  /**
   * The answer's JSON text as built (and, with a key, kept): sent as it is, so a retry gets the
   * same bytes, and a batch's megabyte of JSON is written once, not again by the serializer.
   */
  function send(reply: FastifyReply, sent: Sent) {
    if (sent.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(sent.status).type('application/json; charset=utf-8').send(sent.text) as never;
  }

  const keyDoc =
    `Send an \`Idempotency-Key\` header (1–255 visible ASCII characters, per account) to retry safely: the same key with the same body returns the first status and body ` +
    `(header \`idempotent-replayed: true\`) and stores nothing twice, even while the first is in flight; the same key with another body is 409 IDEMPOTENCY_MISMATCH. ` +
    `Keys are kept ${config.idempotencyTtlS} s; a refused request keeps none.`;

  r.post('/api/v1/reports', {
    config: { access: REPORTERS },
    schema: {
      tags,
      summary: 'File a report of a violation (the reporter is the caller)',
      description:
        `Enriched (P-codes, whose territory, nearest site, a hit on a notified site) and grouped into an incident (incidentId) in the same write; a leaf report.filed. ` +
        `Unknown parties, a time in the future or before the terms existed, a location out of range, figures that do not fit: 4xx naming the field, nothing stored. ${keyDoc} ${VISIBILITY}`,
      body: S.ReportCreate,
      response: { 201: S.Report },
    },
    handler: async (req, reply) => {
      const me = principal(req);
      const route = 'POST /api/v1/reports';
      const key = idempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
      const hash = key ? bodyHash(route, req.body) : '';
      const sent =
        (await replayed(me, key, route, hash)) ??
        (await (async () => {
          const reporter = await reporterOf(req);
          const [outcome] = await prepareAll(db, [req.body], enricher, reporter);
          if (!outcome.ok) throw problemOf(outcome.rejection);
          return once(db, me, { key, route, hash, ttlS: config.idempotencyTtlS }, async (w) => {
            const [filed] = await fileReports(w, [outcome], settings, { cache: db });
            if (!filed.ok) throw problemOf(filed.rejection);
            reply.header('location', `/api/v1/reports/${filed.row.id}`);
            return { status: 201, body: reportJson(filed.row, reporter)! };
          });
        })());
      if (sent.replayed) reply.header('location', `/api/v1/reports/${(JSON.parse(sent.text) as { id: string }).id}`);
      return send(reply, sent);
    },
  });

  r.post('/api/v1/reports/batch', {
    config: { access: REPORTERS },
    bodyLimit: config.reportBatchBodyLimit,
    schema: {
      tags,
      summary: `File up to ${config.reportBatchMax} reports at once, each accepted or refused on its own`,
      description:
        `Each row is checked as POST /reports checks one; the answer lists every row by its index: accepted with the report's id and its incident's (GET /reports/{id} for the whole, enriched), or refused with the code and the fields. ` +
        `The accepted rows are stored, enriched and grouped in one write. More than ${config.reportBatchMax} rows: 413; a body that is not {reports: [...]}: 400. ${keyDoc} ${VISIBILITY}`,
      body: S.ReportBatch,
      response: { 200: S.BatchResult },
    },
    handler: async (req, reply) => {
      const me = principal(req);
      const rows = req.body.reports;
      if (rows.length > config.reportBatchMax) {
        throw new ApiError('BODY_TOO_LARGE', `A batch holds at most ${config.reportBatchMax} reports; this one has ${rows.length}. Split it.`, 'reports', { limit: config.reportBatchMax });
      }
      const route = 'POST /api/v1/reports/batch';
      const key = idempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
      const hash = key ? bodyHash(route, req.body) : ''; // before the rows are checked (checking canonicalises times)
      const seen = await replayed(me, key, route, hash);
      if (seen) return send(reply, seen);
      const reporter = await reporterOf(req);
      const inputs = rows.map((row): S.ReportCreate | Rejection => {
        if (checkRow(row)) return row as S.ReportCreate;
        const errors = fieldErrors(checkRow.errors as never, 'body')
          .slice(0, config.maxErrorsReported)
          .map((e) => ({ field: e.field === '(body)' ? '(report)' : e.field, reason: e.reason }));
        return { code: 'VALIDATION_FAILED', detail: errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors };
      });
      const outcomes = await prepareAll(db, inputs, enricher, reporter);
      const sent = await once(db, me, { key, route, hash, ttlS: config.idempotencyTtlS }, async (w) => {
        const filed = await fileReports(w, outcomes, settings, { cache: db });
        const results = filed.map((f, index) =>
          f.ok ? { index, status: 'accepted' as const, id: f.row.id, incidentId: f.row.incidentId } : { index, status: 'rejected' as const, code: f.rejection.code, errors: f.rejection.errors },
        );
        const accepted = results.filter((x) => x.status === 'accepted').length;
        return { status: 200, body: { accepted, rejected: results.length - accepted, results } };
      });
      return send(reply, sent);
    },
  });

  r.get('/api/v1/reports/:id', {
    config: { access: REPORTERS },
    schema: { tags, summary: 'One report, as the caller may see it', description: VISIBILITY, params: IdParams, response: { 200: S.Report } },
    handler: async (req) => {
      const rep = await store.getReport(db, req.params.id);
      const out = rep && reportJson(rep, await viewerOf(db, principal(req)));
      if (!out) throw notFound('report', req.params.id);
      return out;
    },
  });
}
