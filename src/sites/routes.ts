import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE, REGISTRARS, type Principal, type Role } from '../auth/roles.ts';
import { getAccount } from '../auth/lookup.ts';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { registerRowReader } from '../ledger/entities.ts';
import { write, type Writer } from '../ledger/ledger.ts';
import { ledgerRef } from '../territory/routes.ts';
import { geoSettings } from '../territory/settings.ts';
import * as S from './schemas.ts';
import { corridorBounds, siteBounds } from './bounds.ts';
import { createCorridor, notifySite, rejectSite, withdrawSite } from './service.ts';
import * as store from './store.ts';

/**
 * Site coordinates put a target on the site's back: only those who must see them do. Humanitarian
 * agencies notify (as OCHA's humanitarian notification system) and see their own notifications.
 */
export const SITE_ROLES: readonly Role[] = ['admin', 'cochair', 'secretariat', 'agency'];

const SITE_VISIBILITY =
  'Site coordinates are sensitive: co-chairs, the secretariat and admins see every site; an agency sees only the sites notified by its own organisation (or by itself); ' +
  'liaisons, monitors, analysts and the public may not list or read them (403).';

/** Who may withdraw a site: its notifying organisation (an agency that may see it) or the task force secretariat. */
export const WITHDRAWERS: readonly Role[] = ['admin', 'secretariat', 'agency'];
/** Who may reject a notification: the secretariat alone, which keeps the register. */
export const REJECTERS: readonly Role[] = ['admin', 'secretariat'];

const eventJson = (e: store.SiteEventRecord) => ({
  id: e.id,
  type: e.type,
  at: e.at.toISOString(),
  reason: e.reason,
  recordedBy: e.recordedBy,
  recordedRole: e.recordedRole,
  recordedAt: e.recordedAt.toISOString(),
  ledger: ledgerRef('site_event', e.id),
});

const siteProps = (s: store.SiteRecord) => ({
  id: s.id,
  kind: s.kind,
  name: s.name,
  bufferM: s.bufferM,
  validFrom: s.validFrom.toISOString(),
  validTo: s.validTo ? s.validTo.toISOString() : null,
  organisation: s.organisation,
  notifiedBy: s.notifiedBy,
  notifiedAt: s.notifiedAt.toISOString(),
  ledger: ledgerRef('site', s.id),
  status: s.status,
  events: s.events.map(eventJson),
});
const siteJson = (s: store.SiteRecord) => ({ ...siteProps(s), geometry: s.geometry });

const corridorProps = (c: store.CorridorRecord) => ({
  id: c.id,
  name: c.name,
  widthM: c.widthM,
  validFrom: c.validFrom.toISOString(),
  validTo: c.validTo.toISOString(),
  convoyId: c.convoyId,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  ledger: ledgerRef('corridor', c.id),
});
const corridorJson = (c: store.CorridorRecord) => ({ ...corridorProps(c), geometry: c.geometry });

/** "minLon,minLat,maxLon,maxLat" as numbers, refused when out of range or inside out. */
export function parseBBox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined) return undefined;
  const [w, so, e, n] = s.split(',').map(Number);
  const bad = (reason: string) => new ApiError('VALIDATION_FAILED', `bbox ${reason}.`, 'bbox');
  if ([w, e].some((x) => x < -180 || x > 180) || [so, n].some((y) => y < -90 || y > 90)) throw bad('must have longitudes within -180..180 and latitudes within -90..90');
  if (w > e || so > n) throw bad('must be minLon,minLat,maxLon,maxLat with min ≤ max (a box across the antimeridian is not supported)');
  return [w, so, e, n];
}

/** Keyset pages in notification order: the cursor is the last item's sequence number. */
function afterSeq(cursor: string | undefined): number {
  if (!cursor) return 0;
  const seq = decodeCursor(cursor, 'seq')[0];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out.', 'cursor');
  return seq;
}
const nextCursor = <T extends { seq: number; id: string }>(rows: T[], limit: number) => (rows.length > limit ? encodeCursor('seq', [rows[limit - 1].seq, rows[limit - 1].id]) : null);

export async function siteRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = geoSettings(config);
  const bounds = siteBounds(config);
  const cBounds = corridorBounds(config);
  const now = (at: string | undefined) => (at ? new Date(at) : new Date());

  /** An agency sees its own organisation's notifications; the other site roles see all. */
  async function notifierOf(p: Principal, q: Queryable = db): Promise<store.Notifier | null> {
    if (p.role !== 'agency') return null;
    return { accountId: p.accountId, organisation: (await getAccount(q, p.accountId))?.organisation ?? null };
  }
  const mayRead = (n: store.Notifier | null, s: store.SiteRecord) => !n || s.notifiedBy === n.accountId || (n.organisation !== null && s.organisation === n.organisation);
  // the ledger gives a site's salt and state (its proof) to whoever may read the site; the task force it knows itself
  const agencyReads = async (q: Queryable, p: Principal, siteId: string | null) =>
    p.role === 'agency' && siteId !== null && Boolean(await store.getSite(q, siteId).then(async (s) => s && mayRead(await notifierOf(p, q), s)));
  registerRowReader('site', (q, p, id) => agencyReads(q, p, id));
  // and the withdrawals and rejections of those sites: an agency can prove it withdrew its own
  registerRowReader('site_event', async (q, p, id) => agencyReads(q, p, await store.siteOfEvent(q, id)));

  r.post('/api/v1/sites', {
    config: { access: SITE_ROLES },
    schema: {
      tags: ['sites'],
      summary: 'Notify a protected site (hospital, school, water, power, shelter, ...) with its buffer',
      description:
        'Records the notifying account and its organisation and the time; the notification is a ledger leaf (`site.notified`) whose inclusion proof ' +
        `(ledger.proof) shows the site was notified before any later strike. A site is a place: a buffer of at most ${config.siteMaxBufferM} m, a polygon of at most ` +
        `${config.siteMaxAreaKm2} km² spanning at most ${config.siteMaxSpanM} m, not across the antimeridian or a pole (422); an agency's organisation notifies at most ` +
        `${config.siteNotificationsPerDay || 'any number of'} sites a day (429). ${SITE_VISIBILITY}`,
      body: S.SiteCreate,
      response: { 201: S.Site },
    },
    handler: async (req, reply) => {
      const s = await write(db, principal(req), (w) => notifySite(w, req.body, settings, bounds));
      reply.code(201).header('location', `/api/v1/sites/${s.id}`);
      return siteJson(s);
    },
  });

  r.get('/api/v1/sites', {
    config: { access: SITE_ROLES },
    schema: { tags: ['sites'], summary: 'Protected sites in force at a time', description: `${SITE_VISIBILITY} Withdrawn and rejected sites are left out unless asked for with \`status\`.`, querystring: S.SiteListQuery, response: { 200: S.SiteList } },
    handler: async (req) => {
      const q = req.query;
      const at = now(q.at);
      const limit = q.limit ?? 200;
      const rows = await store.listSites(db, { at, kind: q.kind, status: q.status ?? 'active', bbox: parseBBox(q.bbox), notifier: await notifierOf(principal(req)), afterSeq: afterSeq(q.cursor), limit: limit + 1 });
      return {
        type: 'FeatureCollection' as const,
        at: at.toISOString(),
        nextCursor: nextCursor(rows, limit),
        features: rows.slice(0, limit).map((s) => ({ type: 'Feature' as const, id: s.id, geometry: s.geometry, properties: siteProps(s) })),
      };
    },
  });

  r.get('/api/v1/sites/:id', {
    config: { access: SITE_ROLES },
    schema: {
      tags: ['sites'],
      summary: 'One protected site, with its status at a time and its events',
      description: `${SITE_VISIBILITY} Another organisation’s site is answered 404, as if it did not exist.`,
      params: IdParams,
      querystring: S.SiteQuery,
      response: { 200: S.Site },
    },
    handler: async (req) => {
      const s = await store.getSite(db, req.params.id, now(req.query.at));
      if (!s || !mayRead(await notifierOf(principal(req)), s)) throw notFound('site', req.params.id);
      return siteJson(s);
    },
  });

  /** The site as this caller may act on it, read and locked in the write's transaction: 404 when unknown or not the caller's to see. */
  async function siteFor(q: Queryable, p: Principal, id: string): Promise<store.SiteRecord> {
    const s = await store.getSite(q, id, new Date(), true);
    if (!s || !mayRead(await notifierOf(p, q), s)) throw notFound('site', id);
    return s;
  }

  /** A withdrawal or rejection: recorded on the site as the caller may act on it, answered with the site as it now stands. */
  async function recordEvent(me: Principal, siteId: string, reply: FastifyReply, fn: (w: Writer, site: store.SiteRecord) => Promise<store.SiteEventRecord>) {
    const id = await write(db, me, async (w) => (await fn(w, await siteFor(w.q, me, siteId))).siteId);
    reply.code(201).header('location', `/api/v1/sites/${id}`);
    return siteJson((await store.getSite(db, id))!);
  }

  r.post('/api/v1/sites/:id/withdraw', {
    config: { access: WITHDRAWERS },
    schema: {
      tags: ['sites'],
      summary: 'Withdraw a protected site from a time on (its notifying organisation or the secretariat)',
      description:
        'An event, never an edit (leaf `site.withdrawn`): strike vetting stops counting the site for targets at or after `at`; earlier times keep it. ' +
        '`at` defaults to now and may not be in the past or before validFrom (422). An agency may withdraw only what its organisation notified; ' +
        'any other site is answered 404, as if it did not exist. A site already withdrawn or rejected: 409.',
      params: IdParams,
      body: S.SiteWithdraw,
      response: { 201: S.Site },
    },
    handler: (req, reply) => recordEvent(principal(req), req.params.id, reply, (w, site) => withdrawSite(w, site, req.body)),
  });

  r.post('/api/v1/sites/:id/reject', {
    config: { access: REJECTERS },
    schema: {
      tags: ['sites'],
      summary: 'Reject a notification (the secretariat)',
      description:
        'An event, never an edit (leaf `site.rejected`): the notification is void, and strike vetting no longer counts the site from this version of the record on; ' +
        'decisions recorded before (and their replays) still saw it. A site already rejected: 409.',
      params: IdParams,
      body: S.SiteReject,
      response: { 201: S.Site },
    },
    handler: (req, reply) => recordEvent(principal(req), req.params.id, reply, (w, site) => rejectSite(w, site, req.body)),
  });

  r.post('/api/v1/corridors', {
    config: { access: REGISTRARS },
    schema: {
      tags: ['corridors'],
      summary: 'Record a time-bounded protected route (an aid corridor)',
      description: `Strikes within widthM either side of the route are prohibited from validFrom until validTo. At most ${config.corridorMaxWidthM} m either side, ${config.corridorMaxLengthKm} km long and ${config.corridorMaxDays} days (422 above).`,
      body: S.CorridorCreate,
      response: { 201: S.Corridor },
    },
    handler: async (req, reply) => {
      const c = await write(db, principal(req), (w) => createCorridor(w, req.body, settings, null, cBounds));
      reply.code(201).header('location', `/api/v1/corridors/${c.id}`);
      return corridorJson(c);
    },
  });

  r.get('/api/v1/corridors', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['corridors'],
      summary: 'Corridors whose window covers a time',
      description: 'Corridors are meant to be known to every party, so any role may list them.',
      querystring: S.CorridorListQuery,
      response: { 200: S.CorridorList },
    },
    handler: async (req) => {
      const q = req.query;
      const at = now(q.at);
      const limit = q.limit ?? 200;
      const rows = await store.listCorridors(db, { at, bbox: parseBBox(q.bbox), afterSeq: afterSeq(q.cursor), limit: limit + 1 });
      return {
        type: 'FeatureCollection' as const,
        at: at.toISOString(),
        nextCursor: nextCursor(rows, limit),
        features: rows.slice(0, limit).map((c) => ({ type: 'Feature' as const, id: c.id, geometry: c.geometry, properties: corridorProps(c) })),
      };
    },
  });

  r.get('/api/v1/corridors/:id', {
    config: { access: ANY_ROLE },
    schema: { tags: ['corridors'], summary: 'One corridor', params: IdParams, response: { 200: S.Corridor } },
    handler: async (req) => {
      const c = await store.getCorridor(db, req.params.id);
      if (!c) throw notFound('corridor', req.params.id);
      return corridorJson(c);
    },
  });
}
