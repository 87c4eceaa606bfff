import { randomUUID } from 'node:crypto';
import path from 'node:path';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { principal } from '../auth/hook.ts';
import { SECRETARIAT, type Principal, type Role } from '../auth/roles.ts';
import { getAccount } from '../auth/lookup.ts';
import type { Config } from '../config.ts';
import type { Db, Row } from '../db/db.ts';
import { checkGeometry, geometryFault, type Geometry } from '../geo/geojson.ts';
import { geodesicAreaKm2 } from '../geo/geodesy.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { perAccountRate } from '../http/rate.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { write } from '../ledger/ledger.ts';
import { ClipPool } from './clipper.ts';
import { prepareTarget, referredOnGrid, tell, toldBefore009, type PreparedTarget } from './decide.ts';
import { Grid } from './grid.ts';
import type { VettingIndex } from './index.ts';
import type { Decision, Reason, Target, ToldBasis, VetRequest } from './model.ts';
import * as S from './schemas.ts';
import { decideBounded, IndexHolder, liftFlag, toldExact, utcDayStart, VettingRecorder } from './service.ts';
import * as store from './store.ts';

/** Who may ask for a decision: the task force and each party's liaison (for its own party only). */
const VETTERS: readonly Role[] = ['admin', 'cochair', 'secretariat', 'liaison'];
/** Who may see which protected site a target is near, and audit everyone's requests. */
const SITE_READERS: readonly Role[] = ['admin', 'cochair', 'secretariat'];

/** Roles that may vet but not see sites: bounded targets, sites only on the coarse grid, a daily budget of referrals. */
export const COARSE: readonly Role[] = VETTERS.filter((r) => !SITE_READERS.includes(r));
const isCoarse = (role: string) => (COARSE as readonly string[]).includes(role);

/** The recorded told view of a row. */
function toldOf(r: Row): Decision & { basis: ToldBasis | null } {
  if (r.told_basis === null) return { ...(isCoarse(r.requested_role) ? toldBefore009({ decision: r.decision, reasons: r.reasons }) : { decision: r.decision, reasons: r.reasons }), basis: null };
  return { decision: r.told_decision, reasons: r.told_reasons, basis: r.told_basis };
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** A site reader sees the exact decision and what the caller was told; any other role only what it was told. */
function vettingJson(r: Row, role: Role) {
  const told = toldOf(r);
  const view = SITE_READERS.includes(role) ? { decision: r.decision, reasons: r.reasons, told } : { decision: told.decision, reasons: told.reasons };
  return {
    id: r.id,
    ...view,
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

const flagJson = (f: Row) => ({ id: f.id, accountId: f.account_id, event: f.event, at: iso(f.at), referrals: f.referrals, reason: f.reason, recordedBy: f.recorded_by });

export async function vettingRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['vetting'];
  const holder = new IndexHolder(db, config.vettingRefreshMs, {
    file: config.vettingSnapshot ? path.join(config.dataDir, 'vetting-index.bin') : null,
    minVertices: config.vettingSnapshotMinVertices,
    everyMs: config.vettingSnapshotEveryMs,
    log: (msg, fields) => app.log.info(fields ?? {}, msg),
  });
  const clipPool = new ClipPool(config.vettingWorkers, config.vettingDeadlineMs);
  const decideHere = (index: VettingIndex, vr: VetRequest, t: PreparedTarget = prepareTarget(vr)) => decideBounded(index, vr, t, clipPool, config.vettingInlineEdges, config.vettingDeadlineMs);
  const recorder = new VettingRecorder(db, config.vettingBatchMax, config.vettingReferralsPerDay);
  // the grid's secret offset is read once, on the first request that needs it
  const grids = new Map<number, Promise<Grid>>();
  const gridOf = (cellM: number) => {
    let g = grids.get(cellM);
    if (!g) {
      g = store.gridSecret(db).then((secret) => new Grid(secret, cellM));
      g.catch(() => grids.delete(cellM));
      grids.set(cellM, g);
    }
    return g;
  };
  /** The told view a recorded request gets when decided again (replay). */
  async function toldAgain(index: VettingIndex, row: Row, vr: VetRequest, d: Decision): Promise<Decision> {
    const basis: ToldBasis | null = row.told_basis;
    if (basis === null) return isCoarse(row.requested_role) ? toldBefore009(d) : d;
    if (basis !== 'grid') return tell(d, basis, true);
    return tell(d, 'grid', referredOnGrid(index, vr, await gridOf(Number(row.grid_m))));
  }
  // after a restart the index loads from its file at once (seconds), before the first decision asks
  app.addHook('onReady', async () => {
    if (holder.hasSnapshot()) holder.get().catch((e) => app.log.warn({ err: e }, 'vetting index not loaded'));
  });
  app.addHook('onClose', async () => {
    holder.stop();
    await Promise.all([clipPool.close(), holder.flushed()]);
  });
  await app.register(rateLimit, { global: false });

  async function load(req: FastifyRequest, id: string): Promise<Row> {
    const row = await store.getVetting(db, id);
    if (!row || !mayRead(principal(req), row)) throw notFound('vetting decision', id);
    return row;
  }

  r.post('/api/v1/vetting', {
    // refusals by the rate limiter are counted per account and day for the audit (not a record)
    onSend: async (req, reply, payload) => {
      if (reply.statusCode === 429 && req.principal) {
        await store.countRefusal(db, req.principal.accountId, utcDayStart(new Date()).toISOString().slice(0, 10)).catch((e) => req.log.error(e, 'counting a refused vetting request'));
      }
      return payload;
    },
    config: {
      access: VETTERS,
      // per account, after authentication: probing the map for sites shows up as a wall of 429s
      rateLimit: perAccountRate(config.vettingRatePerMinute, 'vetting requests'),
    },
    schema: {
      tags,
      summary: 'Vet a proposed target against territory, protected sites and corridors at a time',
      description:
        'Follows the decision table of the terms: every reason that applies, and the strongest effect. The decision is recorded with the version of the data it read. ' +
        `Roles that may not see sites (${COARSE.join(', ')}) vet only for their own party, within a disc radius of ${config.vettingCoarseMaxRadiusM} m and a polygon of ${config.vettingCoarseMaxAreaKm2} km² (422 above); ` +
        `sites count for them on a grid of about ${config.vettingGridM} m cells and only as REFERRED_TO_TASK_FORCE (review), never PROTECTED_SITE, a site or a distance, and the decision is the strongest effect of what they are told; ` +
        `past ${config.vettingReferralsPerDay} referrals in a UTC day the account is flagged and every answer is a referral until the secretariat lifts the flag.`,
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
      const coarse = isCoarse(p.role);
      if (coarse && (b.radiusM ?? 0) > config.vettingCoarseMaxRadiusM) {
        throw new ApiError('TARGET_TOO_LARGE', `radiusM may be at most ${config.vettingCoarseMaxRadiusM} m for the ${p.role} role.`, 'radiusM', { bound: config.vettingCoarseMaxRadiusM, unit: 'm' });
      }
      if (coarse && g.type === 'Polygon') {
        const km2 = geodesicAreaKm2(g.coordinates as [number, number][][]);
        if (km2 > config.vettingCoarseMaxAreaKm2) {
          throw new ApiError('TARGET_TOO_LARGE', `The target covers ${km2.toFixed(2)} km²; at most ${config.vettingCoarseMaxAreaKm2} km² for the ${p.role} role.`, 'target', { bound: config.vettingCoarseMaxAreaKm2, unit: 'km2' });
        }
      }
      const index = await holder.get();
      const party = index.parties.get(b.requestingPartyId);
      if (!party) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${b.requestingPartyId}.`, 'requestingPartyId');
      if (g.type === 'Polygon') await checkGeometry(db, g, 'target', config.vettingMaxTargetVertices);
      const target = { type: g.type, coordinates: g.coordinates } as Target;
      const at = b.at ? new Date(b.at) : new Date();
      const vr: VetRequest = { target, radiusM: b.radiusM ?? 0, at: at.getTime(), homeState: party.data.homeState, operatesIn: party.data.operatesIn };
      const prepared = prepareTarget(vr);
      const d = await decideHere(index, vr, prepared);
      const grid = coarse ? await gridOf(config.vettingGridM) : null;
      const referred = grid ? referredOnGrid(index, vr, grid, prepared) : false;
      // a coarse answer is settled against the account's budget when it is recorded
      const told = grid ? { told_decision: 'review', told_reasons: [], told_basis: 'grid', grid_m: grid.cellM } : toldExact(d);
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
          ...told,
        },
        { accountId: p.accountId, role: p.role, partyId: p.partyId },
        grid ? { exact: d, referred, gridM: grid.cellM } : null,
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
        nextCursor: rows.length > limit ? encodeCursor('requestedAt', [last.requested_at_key, String(last.seq)]) : null,
      };
    },
  });

  r.get('/api/v1/vetting/audit', {
    config: { access: SITE_READERS },
    schema: { tags, summary: 'Vetting requests per account over a window (default the last 24 hours); flagged accounts first', querystring: S.AuditQuery, response: { 200: S.Audit } },
    handler: async (req) => {
      const to = req.query.to ? new Date(req.query.to) : new Date();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 86_400_000);
      if (from > to) throw new ApiError('INCONSISTENT', '`from` must not be after `to`.', 'from');
      const rows = await store.auditSummary(db, from.toISOString(), to.toISOString());
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        accounts: rows.map((a) => ({
          accountId: a.account_id,
          name: a.name,
          role: a.role,
          flaggedAt: a.flagged_at ? iso(a.flagged_at) : null,
          requests: a.requests,
          prohibited: a.prohibited,
          siteHits: a.site_hits,
          referrals: a.referrals,
          rateLimited: a.rate_limited,
          lastAt: a.last_at ? iso(a.last_at) : null,
        })),
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
      const vr: VetRequest = {
        target: row.target,
        radiusM: row.radius_m === null ? 0 : Number(row.radius_m),
        at: new Date(row.at).getTime(),
        homeState: row.home_state,
        operatesIn: row.operates_in ?? [],
      };
      const d: Decision = await decideHere(index, vr);
      const told = await toldAgain(index, row, vr, d);
      const was = toldOf(row);
      const key = (x: Decision) => canonicalize({ decision: x.decision, reasons: x.reasons });
      const same = key(d) === key(row as unknown as Decision) && key(told) === key(was);
      const base = { id: row.id, dataVersion: Number(row.data_version), same };
      if (!SITE_READERS.includes(role)) return { ...base, decision: told.decision, reasons: told.reasons, recorded: { decision: was.decision, reasons: was.reasons } };
      return {
        ...base,
        decision: d.decision,
        reasons: d.reasons,
        told: { decision: told.decision, reasons: told.reasons, basis: was.basis },
        recorded: { decision: row.decision, reasons: row.reasons, told: was },
      };
    },
  });

  r.post('/api/v1/vetting/flags/:accountId/lift', {
    config: { access: SECRETARIAT },
    schema: {
      tags,
      summary: 'Lift the flag of an account that went past its daily budget of referrals',
      description: 'A new event after the flag (never an edit of it), recorded with who lifted it and when; the account’s budget starts again from now.',
      params: S.FlagParams,
      body: S.FlagLift,
      response: { 201: S.Flag },
    },
    handler: async (req, reply) => {
      const p = principal(req);
      const { accountId } = req.params;
      if (!(await getAccount(db, accountId))) throw notFound('account', accountId, 'accountId');
      const row = await write(db, { accountId: p.accountId, role: p.role, partyId: p.partyId }, (w) => liftFlag(w, accountId, req.body?.reason ?? null));
      reply.code(201);
      return flagJson(row);
    },
  });
}
