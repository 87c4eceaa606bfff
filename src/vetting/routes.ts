import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { principal } from '../auth/hook.ts';
import { SECRETARIAT, type Principal } from '../auth/roles.ts';
import { getAccount } from '../auth/lookup.ts';
import type { Config } from '../config.ts';
import type { Db, Row } from '../db/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { SpendingWindow } from '../http/rate.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { write } from '../ledger/ledger.ts';
import { ClipPool } from './clipper.ts';
import { loadBorders } from '../geo/borders.ts';
import { prepareTarget, referredOnGrid, tell, toldBefore009, type PreparedTarget } from './decide.ts';
import { Grid } from './grid.ts';
import type { VettingIndex } from './index.ts';
import type { Decision, ToldBasis, VetRequest } from './model.ts';
import * as S from './schemas.ts';
import { checkTarget, checkTargetValidity, decideBounded, IndexHolder, liftFlag, ownPartyOnly, planVetting, requestingParty, utcDayStart, VettingRecorder, type TargetBounds } from './service.ts';
import * as store from './store.ts';
import { historyFilterOf, historyPage } from './lookup.ts';
import { COARSE, isCoarse, isSiteReader, SITE_READERS, toldOf, VETTERS, vettingJson } from './views.ts';

export { COARSE };

/** A liaison sees only its own requests; the task force sees all. */
function mayRead(p: Principal, r: Row): boolean {
  return SITE_READERS.includes(p.role) || r.requested_by === p.accountId;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const flagJson = (f: Row) => ({ id: f.id, accountId: f.account_id, event: f.event, at: iso(f.at), referrals: f.referrals, reason: f.reason, recordedBy: f.recorded_by });

export async function vettingRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['vetting'];
  const holder = new IndexHolder(db, config.vettingRefreshMs, {
    file: config.vettingSnapshot ? path.join(config.dataDir, 'vetting-index.bin') : null,
    minVertices: config.vettingSnapshotMinVertices,
    everyMs: config.vettingSnapshotEveryMs,
    log: (msg, fields) => app.log.info(fields ?? {}, msg),
  }, config.vettingReplayBuilds);
  const clipPool = new ClipPool(config.vettingWorkers, config.vettingDeadlineMs);
  if (config.vettingBordersAtStart) void loadBorders(); // beside the snapshot's reading, on another core (tests read them on first use)
  const decideHere = (index: VettingIndex, vr: VetRequest, t: PreparedTarget = prepareTarget(vr)) => decideBounded(index, vr, t, clipPool, config.vettingInlineEdges, config.vettingDeadlineMs);
  const recorder = new VettingRecorder(db, config.vettingBatchMax, config.vettingReferralsPerDay, config.vettingCommitsInFlight);
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
  // after a restart the index loads from its file at once, before the first decision asks: from
  // here, not when the app is ready, so its reader threads overlap the routes' schema compiling
  if (holder.hasSnapshot()) {
    const first = holder.get().catch((e) => app.log.warn({ err: e }, 'vetting index not loaded'));
    app.jobs.warm(first.then(() => holder.loaded())); // every array read and checked
  }
  app.addHook('onClose', async () => {
    holder.stop();
    await Promise.all([clipPool.close(), holder.flushed()]);
  });

  async function load(req: FastifyRequest, id: string): Promise<Row> {
    const row = await store.getVetting(db, id);
    if (!row || !mayRead(principal(req), row)) throw notFound('vetting decision', id);
    return row;
  }

  const bounds: TargetBounds = { maxRadiusM: config.vettingMaxRadiusM, maxVertices: config.vettingMaxTargetVertices, coarseMaxRadiusM: config.vettingCoarseMaxRadiusM, coarseMaxAreaKm2: config.vettingCoarseMaxAreaKm2 };
  // One budget per account for single requests and batches alike: every target spends one.
  const window = new SpendingWindow();
  const rateOf = (role: string) => (isSiteReader(role) ? config.vettingTaskForceRatePerMinute : config.vettingRatePerMinute);
  /** A preHandler: spends `n(req)` of the account's budget, or 429 (refusals are counted for the audit, per account and day). */
  const spending = (n: (req: FastifyRequest) => number) => async (req: FastifyRequest, reply: FastifyReply) => {
    const p = principal(req);
    const max = rateOf(p.role);
    const want = n(req);
    const got = window.take(p.accountId, want, max);
    reply.header('x-ratelimit-limit', max);
    if (got.ok) {
      reply.header('x-ratelimit-remaining', got.remaining).header('x-ratelimit-reset', Math.ceil(got.resetMs / 1000));
      return;
    }
    const after = Math.ceil(got.retryMs / 1000);
    reply.header('x-ratelimit-remaining', 0).header('retry-after', after);
    await store.countRefusal(db, p.accountId, utcDayStart(new Date()).toISOString().slice(0, 10), want).catch((e) => req.log.error(e, 'counting a refused vetting request'));
    throw new ApiError('RATE_LIMITED', `At most ${max} vetting targets a minute per account${want > 1 ? ` (this batch has ${want})` : ''}; retry in ${after} s.`, 'Authorization', { limit: max });
  };
  const gridFor = (role: string) => (isCoarse(role) ? gridOf(config.vettingGridM) : Promise.resolve(null));
  const actorOf = (p: Principal) => ({ accountId: p.accountId, role: p.role, partyId: p.partyId });

  const bounded =
    `Roles that may not see sites (${COARSE.join(', ')}) vet only for their own party, within a disc radius of ${config.vettingCoarseMaxRadiusM} m and a polygon of ${config.vettingCoarseMaxAreaKm2} km² (422 above); ` +
    `sites count for them on a grid of about ${config.vettingGridM} m cells and only as REFERRED_TO_TASK_FORCE (review), never PROTECTED_SITE, a site or a distance, and the decision is the strongest effect of what they are told; ` +
    `past ${config.vettingReferralsPerDay} referrals in a UTC day the account is flagged and every answer is a referral until the secretariat lifts the flag. ` +
    `Each target counts against the account's rate: ${config.vettingRatePerMinute} a minute for those roles, ${config.vettingTaskForceRatePerMinute} for the task force (429 above).`;

  r.post('/api/v1/vetting', {
    config: { access: VETTERS },
    // per account, after authentication: probing the map for sites shows up as a wall of 429s
    preHandler: spending(() => 1),
    schema: {
      tags,
      summary: 'Vet a proposed target against territory, protected sites and corridors at a time',
      description: `Follows the decision table of the terms: every reason that applies, and the strongest effect. The decision is recorded with the version of the data it read. ${bounded}`,
      body: S.VettingCreate,
      response: { 201: S.Vetting },
    },
    handler: async (req, reply) => {
      const p = principal(req);
      const b = req.body;
      ownPartyOnly(p, b.requestingPartyId);
      checkTarget(p.role, b, bounds);
      const index = await holder.get();
      const party = requestingParty(index, b.requestingPartyId);
      await checkTargetValidity(db, b, bounds.maxVertices);
      const row = (await recorder.recordAll([await planVetting(index, await gridFor(p.role), p, party, b, new Date(), decideHere)], actorOf(p)))[0];
      reply.code(201).header('location', `/api/v1/vetting/${row.id}`);
      return vettingJson(row, p.role);
    },
  });

  r.post('/api/v1/vetting/batch', {
    config: { access: VETTERS },
    // every target spends one of the account's budget, as a single request would
    preHandler: spending((req) => (req.body as S.VettingBatchCreate).targets.length),
    schema: {
      tags,
      summary: `Vet up to ${config.vettingBatchTargetsMax} targets for one requesting party in one request`,
      description:
        'Each target is decided and recorded exactly as POST /api/v1/vetting would (a ledger leaf each), in the order given, all in one commit: every target is recorded or none is. ' +
        'A bad target refuses the whole batch, naming it (`targets.17.target.coordinates.0`). `at` and `note` of the batch apply to targets without their own. ' +
        `The answer lists each target's decision as the single answer shows it, in order. ${bounded}`,
      body: S.VettingBatchCreate(config.vettingBatchTargetsMax),
      response: { 201: S.VettingBatch },
    },
    handler: async (req, reply) => {
      const p = principal(req);
      const b = req.body;
      const targets = b.targets.map((t) => ({ ...t, at: t.at ?? b.at, note: t.note ?? b.note }));
      // every check before any decision: a refused batch records nothing
      ownPartyOnly(p, b.requestingPartyId);
      targets.forEach((t, i) => checkTarget(p.role, t, bounds, `targets.${i}.`));
      const index = await holder.get();
      const party = requestingParty(index, b.requestingPartyId);
      for (const [i, t] of targets.entries()) await checkTargetValidity(db, t, bounds.maxVertices, `targets.${i}.`);
      const grid = await gridFor(p.role);
      const now = new Date();
      // decided one after another (clipping too large for the event loop goes to the workers, one target at a time)
      const planned = [];
      for (const t of targets) planned.push(await planVetting(index, grid, p, party, t, now, decideHere));
      const rows = await recorder.recordAll(planned, actorOf(p));
      const items = rows.map((row, i) => ({ index: i, ...vettingJson(row, p.role) }));
      const count = (d: string) => items.filter((x) => x.decision === d).length;
      reply.code(201);
      return { requestingPartyId: party.id, count: items.length, decisions: { prohibited: count('prohibited'), review: count('review'), permitted: count('permitted') }, items };
    },
  });

  r.get('/api/v1/vetting', {
    config: { access: SITE_READERS },
    schema: {
      tags,
      summary: 'The history of vetting decisions, newest first',
      description:
        'Filters: who asked (requestedBy), for which party (requestingPartyId), the exact decision, a reason code (in the exact reasons or in what the caller was told: REFERRED_TO_TASK_FORCE is only ever told), and the time it was asked (from inclusive, to exclusive). ' +
        'Each item carries `ledgerSeq`, the seq of its leaf, and `links` to its ledger entry, its inclusion proof and its replay. The same list as a file: GET /api/v1/exports/vetting.',
      querystring: S.VettingListQuery,
      response: { 200: S.VettingList },
    },
    handler: async (req) => {
      const q = req.query;
      const filter = historyFilterOf(q);
      const before = q.cursor ? decodeCursor(q.cursor, 'requestedAt') : undefined;
      const page = await historyPage(db, principal(req).role, filter, before ? { at: String(before[0]), seq: Number(before[1]) } : undefined, q.limit ?? 50);
      return { items: page.items, nextCursor: page.next ? encodeCursor('requestedAt', [page.next.at, String(page.next.seq)]) : null };
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
    // a replay decides again (and may build the data as of its version): it spends the vetting budget
    preHandler: spending(() => 1),
    schema: {
      tags,
      summary: 'Decide a recorded request again with the data as it was at its dataVersion',
      description: `Territory, sites, corridors and party statuses are read as of the recorded ledger size; the requesting party’s states as recorded. \`same\` says whether the answer is identical. A replay spends one of the account's vetting budget, and the data as of at most ${config.vettingReplayBuilds} versions not already held is read at once (429 with Retry-After beyond that).`,
      params: IdParams,
      response: { 200: S.Replay },
    },
    handler: async (req, reply) => {
      const row = await load(req, req.params.id);
      const role = principal(req).role;
      const index = await holder.at(Number(row.data_version)).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'RATE_LIMITED') reply.header('retry-after', 2);
        throw e;
      });
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
