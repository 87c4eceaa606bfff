import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { write } from '../ledger/ledger.ts';
import { basePayload, registerEventView } from '../events/views.ts';
import { DESK_EVENT_TYPES, incidentEventView, registerDeskReaders } from './lookup.ts';
import * as S from './schemas.ts';
import * as svc from './service.ts';
import * as store from './store.ts';

const VISIBILITY =
  'Who sees what: the task force (admin, secretariat, co-chairs) and monitors see every incident; a liaison the incidents naming its party (perpetrator or target) ' +
  'or asking it for information, and what is published; agencies, analysts and the public what the secretariat has published. An incident the caller may not see is ' +
  'answered 404, and is in no list, count or filter. Of a published incident, reports come without the reporter, text or sources, except to the desk and the reporter’s own side.';

/** "minLon,minLat,maxLon,maxLat", refused when out of range or inside out. */
function parseBBox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined) return undefined;
  const [w, so, e, n] = s.split(',').map(Number);
  const bad = (reason: string) => new ApiError('VALIDATION_FAILED', `bbox ${reason}.`, 'bbox');
  if ([w, e].some((x) => x < -180 || x > 180) || [so, n].some((y) => y < -90 || y > 90)) throw bad('must have longitudes within -180..180 and latitudes within -90..90');
  if (w > e || so > n) throw bad('must be minLon,minLat,maxLon,maxLat with min ≤ max (a box across the antimeridian is not supported)');
  return [w, so, e, n];
}

export function filterOf(q: Omit<S.AggregateQuery, 'by'>): store.IncidentFilter {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from > to) throw new ApiError('INCONSISTENT', 'to must not be before from.', 'to');
  return { bbox: parseBBox(q.bbox), from, to, type: q.type, partyId: q.partyId, status: q.status, grade: q.grade, pcode: q.pcode };
}

/** A keyset cursor this server gave out for this sort: [microseconds, id]. */
function afterOf(cursor: string | undefined, sort: string): [number, string] | undefined {
  if (!cursor) return undefined;
  const [k, id] = decodeCursor(cursor, sort);
  if (typeof k !== 'number' || !/^[0-9a-f-]{36}$/.test(id)) throw new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out for this sort order.', 'cursor');
  return [k, id];
}
const nextOf = (keys: [number, string][], limit: number, sort: string) => (keys.length > limit ? encodeCursor(sort, keys[limit - 1]) : null);

const wantsGeoJson = (req: FastifyRequest) => /application\/geo\+json/i.test(req.headers.accept ?? '');

/** The same list with another cursor: the next link of a FeatureCollection. */
function nextLink(req: FastifyRequest, cursor: string) {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('cursor', cursor);
  return { rel: 'next', href: `${u.pathname}${u.search}`, type: 'application/geo+json' };
}

export async function incidentRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['incidents'];
  registerDeskReaders();
  // the live stream: each desk event with the incident as that principal sees it, or nothing at all
  for (const type of DESK_EVENT_TYPES) {
    registerEventView(type, async (q, p, e) => {
      const seen = await incidentEventView(q, p, { type: e.type, action: e.action, id: e.id, at: e.at });
      return seen ? { ...basePayload(e), ...(seen.incident ? { incident: seen.incident } : {}) } : null;
    });
  }
  const viewer = (req: FastifyRequest) => svc.viewerOf(db, principal(req));
  const detail = async (req: FastifyRequest, id: string) => svc.incidentDetail(db, await viewer(req), id);

  r.get('/api/v1/incidents', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'Incidents, filtered, newest first; GeoJSON with Accept: application/geo+json',
      description:
        'Filters: bbox (located in it), from/to (the incident’s window overlaps them), type, partyId (named as perpetrator or target), status (merged incidents only when asked for), ' +
        `grade, pcode (any administrative level). Pages by cursor. With \`Accept: application/geo+json\` a FeatureCollection (RFC 7946) with a \`next\` link. ${VISIBILITY}`,
      querystring: S.IncidentListQuery,
      response: { 200: { content: { 'application/json': { schema: S.IncidentList }, 'application/geo+json': { schema: S.IncidentFeatures } } } },
    },
    handler: async (req, reply) => {
      const q = req.query;
      const v = await viewer(req);
      const sort = q.sort ?? '-occurredFrom';
      const limit = q.limit ?? 50;
      const { items, keys } = await store.listIncidents(db, svc.listVisibility(v), filterOf(q), { sort, after: afterOf(q.cursor, sort), limit: limit + 1 });
      const page = await svc.incidentsJson(db, v, items.slice(0, limit));
      const next = nextOf(keys, limit, sort);
      if (!wantsGeoJson(req)) return { items: page, next };
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection' as const,
        features: page.map(({ location, ...properties }) => ({ type: 'Feature' as const, id: properties.id, geometry: location, properties })),
        links: next ? [nextLink(req, next)] : [],
        next,
      };
    },
  });

  r.get('/api/v1/incidents/aggregates', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'Counts of incidents by day, governorate, district, party or type, with the list’s filters',
      description: `day: the UTC day the incident’s window starts; adm1/adm2: P-codes (null when unknown); party: each party named, so an incident naming two is in two buckets (total counts it once). ${VISIBILITY}`,
      querystring: S.AggregateQuery,
      response: { 200: S.Aggregates },
    },
    handler: async (req) => {
      const { by, ...f } = req.query;
      const v = await viewer(req);
      return { by, ...(await store.aggregateIncidents(db, svc.listVisibility(v), filterOf(f), by)) };
    },
  });

  r.get('/api/v1/incidents/:id', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'An incident with its reports, claims side by side, requests for information and answers, determinations and history',
      description: VISIBILITY,
      params: IdParams,
      response: { 200: S.IncidentDetail },
    },
    handler: async (req) => detail(req, req.params.id),
  });

  r.post('/api/v1/incidents/:id/review', {
    config: { access: svc.REVIEWERS },
    schema: {
      tags,
      summary: 'Review: reported → under_review → verified | unverified | disputed | discounted (and back to under_review), with an Airwars grade and the reasoning',
      description:
        'Grades: verified takes confirmed or fair, unverified weak, disputed contested, discounted discounted; under_review none. A step the status does not allow: 409 ' +
        '`INCIDENT_TRANSITION`; a grade that does not fit: 422. Reviewers are the secretariat, admins and monitors: co-chairs determine, they do not grade.',
      params: IdParams,
      body: S.ReviewBody,
      response: { 200: S.IncidentDetail },
    },
    handler: async (req) => {
      await write(db, principal(req), (w) => svc.review(w, req.params.id, req.body));
      return detail(req, req.params.id);
    },
  });

  r.post('/api/v1/incidents/:id/merge', {
    config: { access: svc.REVIEWERS },
    schema: {
      tags,
      summary: 'Merge other incidents into this one: their reports move here, pinned (grouping never moves them again); they become "merged"',
      description: 'Their claims, requests and determinations are shown with this incident. A published incident is not merged into an unpublished one (422).',
      params: IdParams,
      body: S.MergeBody,
      response: { 200: S.IncidentDetail },
    },
    handler: async (req) => {
      await write(db, principal(req), (w) => svc.merge(w, req.params.id, req.body));
      return detail(req, req.params.id);
    },
  });

  r.post('/api/v1/incidents/:id/split', {
    config: { access: svc.REVIEWERS },
    schema: {
      tags,
      summary: 'Split reports off into a new incident (pinned, as the remaining ones); at least one report stays',
      params: IdParams,
      body: S.SplitBody,
      response: { 201: S.IncidentDetail },
    },
    handler: async (req, reply) => {
      const created = await write(db, principal(req), (w) => svc.split(w, req.params.id, req.body));
      reply.code(201).header('location', `/api/v1/incidents/${created.id}`);
      return detail(req, created.id);
    },
  });

  r.post('/api/v1/incidents/:id/claims', {
    config: { access: svc.CLAIM_RECORDERS },
    schema: {
      tags,
      summary: 'Record a party’s claim about the incident (who claims, when, what, whom it blames, its casualty figures)',
      description: 'The task force records any party’s claim; a liaison only its own party’s (403 otherwise), on an incident it may see (404 otherwise).',
      params: IdParams,
      body: S.ClaimBody,
      response: { 201: S.ClaimOut },
    },
    handler: async (req, reply) => {
      const c = await write(db, principal(req), (w) => svc.addClaim(w, req.params.id, req.body));
      reply.code(201);
      return svc.claimJson(c);
    },
  });

  r.post('/api/v1/incidents/:id/requests', {
    config: { access: svc.REQUESTERS },
    schema: {
      tags,
      summary: 'Ask a party for information about the incident, with a deadline',
      description: 'The party’s liaisons see the incident from then on, and answer with POST /requests/{id}/answer.',
      params: IdParams,
      body: S.RequestBody,
      response: { 201: S.RequestOut },
    },
    handler: async (req, reply) => {
      const x = await write(db, principal(req), (w) => svc.requestInfo(w, req.params.id, req.body));
      reply.code(201);
      return (await svc.requestsJson(db, [x]))[0];
    },
  });

  r.post('/api/v1/requests/:id/answer', {
    config: { access: svc.ANSWERERS },
    schema: {
      tags,
      summary: 'Answer a request for information (the liaison of the party asked)',
      description: 'A request addressed to another party is answered 404, as if it did not exist. A request may be answered more than once.',
      params: IdParams,
      body: S.AnswerBody,
      response: { 201: S.RequestOut },
    },
    handler: async (req, reply) => {
      const { request } = await write(db, principal(req), (w) => svc.answer(w, req.params.id, req.body.text));
      reply.code(201);
      return (await svc.requestsJson(db, [request]))[0];
    },
  });

  r.get('/api/v1/requests', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'Requests for information, by due time; overdue=true: past due and unanswered',
      description: 'The desk sees every request; a liaison those addressed to its party; everyone those of published incidents.',
      querystring: S.RequestListQuery,
      response: { 200: S.RequestList },
    },
    handler: async (req) => {
      const q = req.query;
      const v = await viewer(req);
      const limit = q.limit ?? 50;
      const { items, keys } = await store.listRequestsFiltered(db, svc.listVisibility(v), q, { after: afterOf(q.cursor, 'dueAt'), limit: limit + 1 });
      return { items: await svc.requestsJson(db, items.slice(0, limit)), next: nextOf(keys, limit, 'dueAt') };
    },
  });

  r.post('/api/v1/incidents/:id/determinations', {
    config: { access: svc.DETERMINERS },
    schema: {
      tags,
      summary: 'Propose a determination (a co-chair): violation by named parties, no violation, or inconclusive',
      description:
        'The proposer’s party concurs at once; it stands once every co-chair party of the terms has concurred. One open proposal at a time: a new one supersedes the open one. ' +
        'The incident is reviewed to a decision first (409 otherwise).',
      params: IdParams,
      body: S.DeterminationBody,
      response: { 201: S.DeterminationOut },
    },
    handler: async (req, reply) => {
      const d = await write(db, principal(req), (w) => svc.propose(w, req.params.id, req.body));
      reply.code(201);
      return svc.determinationJson(d);
    },
  });

  r.post('/api/v1/determinations/:id/concur', {
    config: { access: svc.DETERMINERS },
    schema: {
      tags,
      summary: 'Concur with a determination (a co-chair of another co-chair party of the terms)',
      description: 'Twice: 409 `ALREADY_CONCURRED`; a superseded proposal: 409 `DETERMINATION_SUPERSEDED`; a party that co-chairs other terms only: 403.',
      params: IdParams,
      body: S.EmptyBody,
      response: { 201: S.ConcurrenceOut },
    },
    handler: async (req, reply) => {
      const { concurrence: c, determination: d } = await write(db, principal(req), (w) => svc.concur(w, req.params.id));
      reply.code(201);
      return { id: c.id, determinationId: c.determinationId, partyId: c.partyId, concurredAt: c.concurredAt.toISOString(), determination: svc.determinationJson(d) };
    },
  });

  r.post('/api/v1/incidents/:id/publish', {
    config: { access: svc.PUBLISHERS },
    schema: {
      tags,
      summary: 'Publish the incident (the secretariat): from now on analysts and the public see it',
      description: 'Only an incident reviewed to a decision (409 otherwise); once (409 `ALREADY_PUBLISHED`).',
      params: IdParams,
      body: S.EmptyBody,
      response: { 200: S.IncidentDetail },
    },
    handler: async (req) => {
      await write(db, principal(req), (w) => svc.publish(w, req.params.id));
      return detail(req, req.params.id);
    },
  });
}
