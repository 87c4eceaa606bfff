import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { principal } from '../auth/hook.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db, Row } from '../db/db.ts';
import { checkGeometry, geometryFault, type Geometry } from '../geo/geojson.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { decide } from './decide.ts';
import type { Decision, Reason, Target, VetRequest } from './model.ts';
import * as S from './schemas.ts';
import { IndexHolder, VettingRecorder } from './service.ts';
import * as store from './store.ts';

/** Who may ask for a decision: the task force and each party's liaison (for its own party only). */
const VETTERS: readonly Role[] = ['admin', 'cochair', 'secretariat', 'liaison'];
/** Who may see which protected site a target is near, and audit everyone's requests. */
const SITE_READERS: readonly Role[] = ['admin', 'cochair', 'secretariat'];

/** What a role may see of the reasons: without site access, only that some protected buffer was hit. */
export function redact(reasons: Reason[], role: Role): Reason[] {
  if (SITE_READERS.includes(role)) return reasons;
  const out = reasons.filter((r) => r.code !== 'PROTECTED_SITE');
  if (out.length === reasons.length) return out;
  const at = reasons.findIndex((r) => r.code === 'PROTECTED_SITE');
  out.splice(at, 0, { code: 'PROTECTED_SITE', detail: 'The target is within the buffer of a protected site.' });
  return out;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function vettingJson(r: Row, role: Role) {
  return {
    id: r.id,
    decision: r.decision,
    reasons: redact(r.reasons, role),
    dataVersion: Number(r.data_version),
    target: r.target,
    radiusM: r.radius_m === null ? null : Number(r.radius_m),
    at: iso(r.at),
    requestingPartyId: r.requesting_party_id,
    note: r.note,
    requestedBy: r.requested_by,
    requestedAt: iso(r.requested_at),
  };
}

/** A liaison sees only its own requests; the task force sees all. */
function mayRead(p: Principal, r: Row): boolean {
  return SITE_READERS.includes(p.role) || r.requested_by === p.accountId;
}

export async function vettingRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['vetting'];
  const holder = new IndexHolder(db, config.vettingRefreshMs);
  const recorder = new VettingRecorder(db, config.vettingBatchMax);
  app.addHook('onClose', async () => holder.stop());
  await app.register(rateLimit, { global: false });

  async function load(req: FastifyRequest, id: string): Promise<Row> {
    const row = await store.getVetting(db, id);
    if (!row || !mayRead(principal(req), row)) throw notFound('vetting decision', id);
    return row;
  }

  r.post('/api/v1/vetting', {
    config: {
      access: VETTERS,
      // per account, after authentication: probing the map for sites shows up as a wall of 429s
      rateLimit: {
        max: config.vettingRatePerMinute,
        timeWindow: 60_000,
        hook: 'preHandler',
        keyGenerator: (req: FastifyRequest) => req.principal?.accountId ?? req.ip,
        errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; max: number }) =>
          new ApiError('RATE_LIMITED', `At most ${ctx.max} vetting requests a minute per account; retry in ${ctx.after}.`, 'Authorization'),
      },
    },
    schema: {
      tags,
      summary: 'Vet a proposed target against territory, protected sites and corridors at a time',
      description:
        'Follows the decision table of the terms: every reason that applies, and the strongest effect. The decision is recorded with the version of the data it read. A liaison may vet only for its own party and is told only that a target lies in some protected buffer, never which site.',
      body: S.VettingCreate,
      response: { 201: S.Vetting },
    },
    handler: async (req, reply) => {
      const p = principal(req);
      const b = req.body;
      if (p.role === 'liaison' && b.requestingPartyId !== p.partyId) {
        throw new ApiError('FORBIDDEN', 'A liaison may vet only for its own party.', 'requestingPartyId');
      }
      const g = b.target as Geometry;
      const { fault, vertices } = geometryFault(g, 'target');
      if (fault) throw new ApiError('INVALID_GEOMETRY', `${fault.field}: ${fault.reason}.`, fault.field);
      if (b.radiusM !== undefined && g.type !== 'Point') throw new ApiError('INCONSISTENT', 'radiusM applies to a Point target only.', 'radiusM');
      if ((b.radiusM ?? 0) > config.vettingMaxRadiusM) throw new ApiError('VALIDATION_FAILED', `radiusM may be at most ${config.vettingMaxRadiusM} m.`, 'radiusM');
      if (vertices > config.vettingMaxTargetVertices) {
        throw new ApiError('INVALID_GEOMETRY', `The target has ${vertices} vertices; at most ${config.vettingMaxTargetVertices} are accepted.`, 'target');
      }
      const index = await holder.get();
      const party = index.parties.get(b.requestingPartyId);
      if (!party) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${b.requestingPartyId}.`, 'requestingPartyId');
      if (g.type === 'Polygon') await checkGeometry(db, g, 'target', config.vettingMaxTargetVertices);
      const target = { type: g.type, coordinates: g.coordinates } as Target;
      const at = b.at ? new Date(b.at) : new Date();
      const vr: VetRequest = { target, radiusM: b.radiusM ?? 0, at: at.getTime(), homeState: party.data.homeState, operatesIn: party.data.operatesIn };
      const d = decide(index, vr);
      const row = await recorder.record(
        {
          id: randomUUID(),
          target,
          radius_m: b.radiusM ?? null,
          at: at.toISOString(),
          requesting_party_id: party.data.id,
          home_state: vr.homeState,
          operates_in: vr.operatesIn,
          note: b.note ?? null,
          decision: d.decision,
          reasons: d.reasons,
          data_version: index.version,
          requested_by: p.accountId,
          requested_role: p.role,
        },
        { accountId: p.accountId, role: p.role, partyId: p.partyId },
      );
      reply.code(201).header('location', `/api/v1/vetting/${row.id}`);
      return vettingJson(row, p.role);
    },
  });

  r.get('/api/v1/vetting', {
    config: { access: SITE_READERS },
    schema: { tags, summary: 'The audit trail of vetting requests, newest first', querystring: S.VettingListQuery, response: { 200: S.VettingList } },
    handler: async (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const before = q.cursor ? decodeCursor(q.cursor, 'requestedAt') : undefined;
      const rows = await store.listVettings(db, { ...q, limit: limit + 1, before: before ? { at: String(before[0]), seq: Number(before[1]) } : undefined });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => vettingJson(row, principal(req).role)),
        nextCursor: rows.length > limit ? encodeCursor('requestedAt', [iso(last.requested_at), String(last.seq)]) : null,
      };
    },
  });

  r.get('/api/v1/vetting/audit', {
    config: { access: SITE_READERS },
    schema: { tags, summary: 'Vetting requests per account over a window (default the last 24 hours)', querystring: S.AuditQuery, response: { 200: S.Audit } },
    handler: async (req) => {
      const to = req.query.to ? new Date(req.query.to) : new Date();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 86_400_000);
      if (from > to) throw new ApiError('INCONSISTENT', '`from` must not be after `to`.', 'from');
      const rows = await store.auditSummary(db, from.toISOString(), to.toISOString());
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        accounts: rows.map((a) => ({ accountId: a.requested_by, name: a.name, role: a.role, requests: a.requests, prohibited: a.prohibited, siteHits: a.site_hits, lastAt: iso(a.last_at) })),
      };
    },
  });

  r.get('/api/v1/vetting/:id', {
    config: { access: VETTERS },
    schema: { tags, summary: 'A recorded vetting decision', params: IdParams, response: { 200: S.Vetting } },
    handler: async (req) => vettingJson(await load(req, req.params.id), principal(req).role),
  });

  r.get('/api/v1/vetting/:id/replay', {
    config: { access: VETTERS },
    schema: {
      tags,
      summary: 'Decide a recorded request again with the data as it was at its dataVersion',
      description: 'Territory, sites, corridors and party statuses are read as of the recorded ledger size; the requesting party’s states as recorded. `same` says whether the answer is identical.',
      params: IdParams,
      response: { 200: S.Replay },
    },
    handler: async (req) => {
      const row = await load(req, req.params.id);
      const role = principal(req).role;
      const index = await holder.at(Number(row.data_version));
      const d: Decision = decide(index, {
        target: row.target,
        radiusM: row.radius_m === null ? 0 : Number(row.radius_m),
        at: new Date(row.at).getTime(),
        homeState: row.home_state,
        operatesIn: row.operates_in ?? [],
      });
      const same = canonicalize({ decision: d.decision, reasons: d.reasons }) === canonicalize({ decision: row.decision, reasons: row.reasons });
      return {
        id: row.id,
        dataVersion: Number(row.data_version),
        decision: d.decision,
        reasons: redact(d.reasons, role),
        same,
        recorded: { decision: row.decision, reasons: redact(row.reasons, role) },
      };
    },
  });
}
