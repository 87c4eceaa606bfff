// Humanitarian access over HTTP: besieged areas (published), convoys (as the caller may see
// them, visibility.ts), approvals, steps and the figures (published).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { getAccount } from '../auth/lookup.ts';
import { ANY_ROLE, SECRETARIAT, type Principal, type Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { eventsHub } from '../events/hub.ts';
import { basePayload, registerEventView } from '../events/views.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { IdParams } from '../http/schemas.ts';
import { registerRowReader } from '../ledger/entities.ts';
import { SYSTEM, write, type Writer } from '../ledger/ledger.ts';
import { listParties } from '../parties/lookup.ts';
import { aidFigures, DAY_MS, daysBetween } from './figures.ts';
import { fold, type Folded } from './convoy.ts';
import * as S from './schemas.ts';
import * as service from './service.ts';
import * as store from './store.ts';
import { convoyView, type AidViewer, type ConvoyView } from './visibility.ts';

/** Who requests convoys: agencies for their organisation, the secretariat (and admins) for any. */
export const REQUESTERS: readonly Role[] = ['admin', 'secretariat', 'agency'];
/** Who reads convoys (each as visibility.ts lets it): everyone but analysts and the public, who read the figures. */
export const CONVOY_READERS: readonly Role[] = ['admin', 'cochair', 'secretariat', 'monitor', 'liaison', 'agency'];
/** Who answers for a party: its liaison, or a co-chair. */
export const APPROVERS: readonly Role[] = ['cochair', 'liaison'];

const VISIBILITY =
  'The task force and monitors see every convoy in full; an agency its own organisation’s in full and another’s route, window and destination once approved (view "route"); ' +
  'a liaison the convoys whose approval is asked of its party. Analysts and the public see the published besieged areas and figures only. Any other convoy is answered 404.';

const iso = (t: number | Date) => new Date(t).toISOString();

async function viewerOf(q: Queryable, p: Principal): Promise<AidViewer> {
  const organisation = p.role === 'agency' ? ((await getAccount(q, p.accountId))?.organisation ?? null) : null;
  return { role: p.role, accountId: p.accountId, partyId: p.partyId, organisation };
}

const factsOf = (c: store.ConvoyRecord, f: Folded) => ({
  agency: c.agency,
  requestedBy: c.requestedBy,
  askedPartyIds: [...new Set(c.events.filter((e) => e.type === 'approval_added').map((e) => e.partyId!))],
  cleared: f.cleared,
});

type Names = Map<string, string>;

function convoyJson(c: store.ConvoyRecord, f: Folded, view: Exclude<ConvoyView, null>, names: Names) {
  const full = view === 'full';
  return {
    id: c.id,
    view,
    state: f.state,
    agency: c.agency,
    originName: c.originName,
    destinationAreaId: c.destinationAreaId,
    route: { type: 'LineString' as const, coordinates: c.route.coordinates },
    window: { from: iso(c.windowFrom), to: iso(c.windowTo) },
    cargo: full ? c.cargo : [],
    peopleToReach: full ? c.peopleToReach : 0,
    approvals: full
      ? f.approvals.map((a) => ({
          partyId: a.partyId,
          partyName: names.get(a.partyId) ?? a.partyId,
          reason: a.reason,
          status: a.status,
          ...(a.conditions ? { conditions: a.conditions } : {}),
          ...(a.denialReason ? { denialReason: a.denialReason } : {}),
          ...(a.decidedAt !== undefined ? { decidedAt: iso(a.decidedAt) } : {}),
          waitingSince: iso(a.waitingSince),
        }))
      : [],
    history: full ? c.events.map((e) => ({ at: iso(e.at), type: e.type, detail: e.detail, ...(e.recordedBy ? { by: e.recordedBy } : {}), ...(e.reportId ? { reportId: e.reportId } : {}) })) : [],
    reportIds: full ? f.reportIds : [],
    createdAt: iso(c.createdAt),
    illustrative: c.illustrative,
  };
}

function areaJson(a: store.AreaRecord, lastDelivery: number | null, now: number) {
  const current = a.history.filter((h) => h.at.getTime() <= now).at(-1) ?? a.history[0];
  const geometry = a.geometry.coordinates.length === 1 ? { type: 'Polygon' as const, coordinates: a.geometry.coordinates[0] } : a.geometry;
  return {
    id: a.id,
    name: a.name,
    status: current.status,
    since: iso(current.at),
    geometry,
    pcodes: a.pcodes,
    population: { count: a.population, asOf: iso(a.populationAsOf), source: a.populationSource },
    besiegingPartyIds: a.besiegingPartyIds,
    lastDeliveryAt: lastDelivery === null ? null : iso(lastDelivery),
    daysSinceLastDelivery: lastDelivery === null ? null : daysBetween(lastDelivery, now),
    history: a.history.map((h) => ({ at: iso(h.at), status: h.status, ...(h.reason ? { reason: h.reason } : {}) })),
    illustrative: a.illustrative,
  };
}

export async function aidRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['aid'];

  const names = async (q: Queryable, ids: string[]): Promise<Names> => (ids.length ? new Map((await listParties(q, { ids: [...new Set(ids)] })).map((p) => [p.id, p.name])) : new Map());

  /** The convoy as this caller may see it, or null. */
  async function seen(q: Queryable, p: Principal, c: store.ConvoyRecord): Promise<{ f: Folded; view: Exclude<ConvoyView, null> } | null> {
    const f = fold(c.events);
    const view = convoyView(await viewerOf(q, p), factsOf(c, f));
    return view ? { f, view } : null;
  }

  registerRowReader('convoy', async (q, p, id) => {
    const c = await store.getConvoy(q, id);
    return c !== null && (await seen(q, p, c))?.view === 'full';
  });
  registerRowReader('convoy_event', async (q, p, id) => {
    const cid = (await store.convoysOfEvents(q, [id])).get(id);
    const c = cid ? await store.getConvoy(q, cid) : null;
    return c !== null && (await seen(q, p, c))?.view === 'full';
  });

  // a convoy's event on the live stream names its convoy, to those who may read the convoy in full
  registerEventView('convoy_event', async (q, p, e) => {
    const cid = (await store.convoysOfEvents(q, [e.id])).get(e.id);
    const c = cid ? await store.getConvoy(q, cid) : null;
    return c && (await seen(q, p, c))?.view === 'full' ? { ...basePayload(e), convoyId: c.id } : null;
  });

  // Approvals follow the territory: after a territory change (this instance's or, through the
  // hub, another's), every open convoy's approvals are computed again; a burst is one pass.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const recompute = () => {
    running = running
      .then(() => write(db, SYSTEM, (w) => service.recomputeOpen(w), { allowEmpty: true }))
      .catch((e) => app.log.error({ err: e }, 'recomputing convoy approvals failed'));
  };
  const stop = eventsHub(db).onEvents((events) => {
    if (!events.some((e) => e.type === 'territory')) return;
    clearTimeout(timer);
    timer = setTimeout(recompute, 50);
  });
  app.addHook('onClose', async () => {
    stop();
    clearTimeout(timer);
    await running;
  });

  async function convoyOut(q: Queryable, p: Principal, c: store.ConvoyRecord) {
    const s = await seen(q, p, c);
    if (!s) throw notFound('convoy', c.id);
    return convoyJson(c, s.f, s.view, await names(q, s.f.approvals.map((a) => a.partyId)));
  }

  /** The convoy this caller may act on, read locked in the write: 404 when it may not see it, 403 when it may see but not act. */
  async function actable(w: Writer, p: Principal, id: string): Promise<store.ConvoyRecord> {
    const c = await store.getConvoy(w.q, id, true);
    if (!c) throw notFound('convoy', id);
    const s = await seen(w.q, p, c);
    if (!s) throw notFound('convoy', id);
    if (p.role === 'agency' && s.view !== 'full') throw new ApiError('FORBIDDEN', 'Only the requesting agency (or the secretariat) moves a convoy on.', 'id');
    return c;
  }

  const filing = async (p: Principal): Promise<service.Filing> => {
    const a = await getAccount(db, p.accountId);
    return { db, config, reporter: { accountId: p.accountId, role: p.role, partyId: p.partyId, organisation: a?.organisation ?? null } };
  };

  /** Each area's last delivery (fully or partially delivered convoys), by area id. */
  const lastDeliveries = (convoys: store.ConvoyRecord[]) => {
    const out = new Map<string, number>();
    for (const c of convoys) {
      const f = fold(c.events);
      if (f.deliveredAt !== null) out.set(c.destinationAreaId, Math.max(out.get(c.destinationAreaId) ?? -Infinity, f.deliveredAt));
    }
    return out;
  };

  r.get('/api/v1/besieged-areas', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Besieged and hard-to-reach areas, with population, besiegers and status history (published)', response: { 200: S.AreaList } },
    handler: async () => {
      const [areas, convoys] = [await store.listAreas(db), await store.listConvoys(db)];
      const last = lastDeliveries(convoys);
      const now = Date.now();
      return { items: areas.map((a) => areaJson(a, last.get(a.id) ?? null, now)) };
    },
  });

  r.get('/api/v1/besieged-areas/:id', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'One besieged area', params: IdParams, response: { 200: S.Area } },
    handler: async (req) => {
      const a = await store.getArea(db, req.params.id);
      if (!a) throw notFound('besieged area', req.params.id);
      return areaJson(a, lastDeliveries(await store.listConvoys(db, { destinationAreaId: a.id })).get(a.id) ?? null, Date.now());
    },
  });

  r.post('/api/v1/besieged-areas', {
    config: { access: SECRETARIAT },
    schema: {
      tags,
      summary: 'Record a besieged or hard-to-reach area',
      description: 'A geometry (Polygon or MultiPolygon) or a list of OCHA P-codes (the union of the shipped units; a district or governorate code names all its units), the population with its date and source, the besieging parties and the status from `since` (leaves besieged_area.created and besieged_area.status).',
      body: S.AreaCreate,
      response: { 201: S.Area },
    },
    handler: async (req, reply) => {
      const a = await write(db, principal(req), (w) => service.createArea(w, req.body, config));
      reply.code(201).header('location', `/api/v1/besieged-areas/${a.id}`);
      return areaJson(a, null, Date.now());
    },
  });

  r.post('/api/v1/besieged-areas/:id/status', {
    config: { access: SECRETARIAT },
    schema: {
      tags,
      summary: 'A new status of an area from a time on (besieged, hard_to_reach, lifted): an event, never an edit',
      description: 'The status in force at `at` already: 422; before the area’s first status: 422.',
      params: IdParams,
      body: S.AreaStatusCreate,
      response: { 201: S.Area },
    },
    handler: async (req, reply) => {
      await write(db, principal(req), async (w) => {
        const a = await store.getArea(w.q, req.params.id, true);
        if (!a) throw notFound('besieged area', req.params.id);
        return service.recordAreaStatus(w, a, req.body);
      });
      const a = (await store.getArea(db, req.params.id))!;
      reply.code(201);
      return areaJson(a, lastDeliveries(await store.listConvoys(db, { destinationAreaId: a.id })).get(a.id) ?? null, Date.now());
    },
  });

  r.post('/api/v1/convoys', {
    config: { access: REQUESTERS },
    schema: {
      tags,
      summary: 'Request a convoy: origin, destination area, route, window, cargo, people to reach',
      description:
        'The approvals needed are computed, not typed: every party whose recorded territory the route crosses at some time of the window, and each party besieging the destination. ' +
        'A route that is not a LineString or crosses itself, a window that ends before it starts: 4xx naming the field, nothing stored. An agency requests for its own organisation; ' +
        `the secretariat names the agency. Once all are granted the convoy is approved and its route an AID_CORRIDOR in strike vetting for its window (${config.aidCorridorWidthM} m either side). ${VISIBILITY}`,
      body: S.ConvoyCreate,
      response: { 201: S.Convoy },
    },
    handler: async (req, reply) => {
      const me = principal(req);
      const b = req.body;
      let agency: string;
      if (me.role === 'agency') {
        const account = await getAccount(db, me.accountId);
        // an agency account of no organisation requests as itself (as it notifies sites)
        const org = account?.organisation ?? account?.name ?? me.name;
        if (b.agency && b.agency !== org) throw new ApiError('FORBIDDEN', `An agency requests for its own organisation (${org}).`, 'agency');
        agency = org;
      } else {
        if (!b.agency) throw new ApiError('VALIDATION_FAILED', 'agency: the requesting organisation is required.', 'agency');
        agency = b.agency;
      }
      const c = await write(db, me, (w) => service.requestConvoy(w, b, { agency }, config));
      reply.code(201).header('location', `/api/v1/convoys/${c.id}`);
      return convoyOut(db, me, c);
    },
  });

  r.get('/api/v1/convoys', {
    config: { access: CONVOY_READERS },
    schema: { tags, summary: 'Convoys, as the caller may see them', description: VISIBILITY, querystring: S.ConvoyListQuery, response: { 200: S.ConvoyList } },
    handler: async (req) => {
      const me = principal(req);
      const all = await store.listConvoys(db, { destinationAreaId: req.query.areaId });
      const v = await viewerOf(db, me);
      const kept = all.flatMap((c) => {
        const f = fold(c.events);
        const view = convoyView(v, factsOf(c, f));
        return view && (!req.query.state || f.state === req.query.state) ? [{ c, f, view }] : [];
      });
      const n = await names(db, kept.flatMap((k) => k.f.approvals.map((a) => a.partyId)));
      return { items: kept.map((k) => convoyJson(k.c, k.f, k.view, n)) };
    },
  });

  r.get('/api/v1/convoys/:id', {
    config: { access: CONVOY_READERS },
    schema: { tags, summary: 'One convoy, as the caller may see it', description: VISIBILITY, params: IdParams, response: { 200: S.Convoy } },
    handler: async (req) => {
      const c = await store.getConvoy(db, req.params.id);
      if (!c) throw notFound('convoy', req.params.id);
      return convoyOut(db, principal(req), c);
    },
  });

  r.post('/api/v1/convoys/:id/approvals/:partyId', {
    config: { access: APPROVERS },
    schema: {
      tags,
      summary: 'A party’s answer: granted (with conditions) or denied (with a reason)',
      description: 'Only that party’s liaison or a co-chair (403 otherwise). The same answer twice changes nothing (200, no new leaf); a changed answer is a new event. Once every approval is granted the convoy is approved.',
      params: S.ApprovalParams,
      body: S.ApprovalCreate,
      response: { 200: S.Convoy },
    },
    handler: async (req) => {
      const me = principal(req);
      const c = await write(
        db,
        me,
        async (w) => {
          const cur = await store.getConvoy(w.q, req.params.id, true);
          if (!cur) throw notFound('convoy', req.params.id);
          return (await service.decide(w, cur, req.params.partyId, req.body, me)).convoy;
        },
        { allowEmpty: true },
      );
      return convoyOut(db, me, c);
    },
  });

  const step = (path: string, summary: string, description: string, body: typeof S.Dispatch | typeof S.Deliver | typeof S.Block | typeof S.Cancel, fn: (w: Writer, c: store.ConvoyRecord, b: never, f: service.Filing) => Promise<store.ConvoyRecord>) =>
    r.post(`/api/v1/convoys/:id/${path}`, {
      config: { access: REQUESTERS },
      schema: { tags, summary, description: `${description} The requesting agency (or the secretariat) only; a step that does not follow from the convoy's state: 409.`, params: IdParams, body, response: { 200: S.Convoy } },
      handler: async (req) => {
        const me = principal(req);
        const f = await filing(me); // read before the write: PGlite has one connection, which the write holds
        const c = await write(db, me, async (w) => fn(w, await actable(w, me, (req.params as { id: string }).id), req.body as never, f));
        return convoyOut(db, me, c);
      },
    });

  step('dispatch', 'The approved convoy leaves', 'Leaf convoy.dispatched.', S.Dispatch, (w, c, b) => service.dispatch(w, c, b));
  step(
    'deliver',
    'The convoy arrived: delivered, or partially delivered when cargo was removed at a checkpoint',
    'Removed cargo (which items, how much, by whom) makes the delivery partial and files a siege_or_aid_denial report on the incidents desk, its id kept on the event. More removed than loaded: 422. A convoy never dispatched: 409.',
    S.Deliver,
    (w, c, b, f) => service.deliver(w, c, b, f),
  );
  step('block', 'The convoy was stopped (where, by whom)', 'Files a siege_or_aid_denial report on the incidents desk, its id kept on the event.', S.Block, (w, c, b, f) => service.block(w, c, b, f));
  step('cancel', 'Cancel a convoy that has not left', 'Its corridor ends from now; replays at older versions still see it.', S.Cancel, (w, c, b) => service.cancel(w, c, b));

  r.get('/api/v1/aid/figures', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'People reached per area over a period, days since the last delivery, the share of the besieged population reached, approvals pending per party (published)',
      description:
        'An area counts when it is besieged or hard to reach at some time of the period; a convoy delivered (fully or partially) within [from, to) reaches its peopleToReach, at most the area’s population. ' +
        'The besieged population is that of the areas besieged at `to`. Pending approvals: of the convoys waiting now, with the longest wait to now in whole days.',
      querystring: S.FiguresQuery,
      response: { 200: S.Figures },
    },
    handler: async (req) => {
      const now = Date.now();
      const to = req.query.to ? new Date(req.query.to).getTime() : now;
      const from = req.query.from ? new Date(req.query.from).getTime() : to - 30 * DAY_MS;
      if (from >= to) throw new ApiError('INCONSISTENT', 'from must be before to.', 'from');
      const [areas, convoys] = [await store.listAreas(db, { geometry: false }), await store.listConvoys(db)];
      const f = aidFigures(
        areas.map((a) => ({ id: a.id, name: a.name, population: a.population, history: a.history.map((h) => ({ at: h.at.getTime(), status: h.status })) })),
        convoys.map((c) => {
          const x = fold(c.events);
          return { destinationAreaId: c.destinationAreaId, state: x.state, peopleToReach: c.peopleToReach, deliveredAt: x.deliveredAt, pending: x.approvals.filter((a) => a.status === 'pending').map((a) => ({ partyId: a.partyId, waitingSince: a.waitingSince })) };
        }),
        { from, to },
        now,
      );
      const n = await names(db, f.pendingApprovals.map((p) => p.partyId));
      return { from: iso(from), to: iso(to), ...f, pendingApprovals: f.pendingApprovals.map((p) => ({ ...p, partyName: n.get(p.partyId) ?? p.partyId })) };
    },
  });
}
