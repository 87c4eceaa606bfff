// OGC API – Features, Part 1: Core with GeoJSON, at /ogc: what GIS tools (QGIS, GDAL/OGR) read.
// The API's access rules: a bearer token (or session) of any role; incidents as GET
// /api/v1/incidents lists them to that role.
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { perAccountRate } from '../http/rate.ts';
import * as doc from './documents.ts';
import * as S from './schemas.ts';
import { collectionOf, extents, feature, items } from './service.ts';

/** The origin the request came to (behind a proxy, as config.trustProxy lets Fastify read it); a Host that is no host name is not echoed. */
function baseOf(req: FastifyRequest): string {
  const host = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(req.host) ? req.host : 'localhost';
  return `${req.protocol}://${host}`;
}

/** JSON written here, so the media type is the one OGC asks for (and incidents are never cached). */
const send = (reply: FastifyReply, type: string, body: unknown, noStore = false) => {
  if (noStore) reply.header('cache-control', 'no-store');
  return reply.type(type).send(JSON.stringify(body));
};

export async function ogcRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ogc'];
  const access = { access: ANY_ROLE };
  await app.register(rateLimit, { global: false });
  const json = (schema: unknown) => ({ 200: { content: { 'application/json': { schema } } } });
  const geojson = (schema: unknown) => ({ 200: { content: { 'application/geo+json': { schema } } } });

  r.get('/ogc', {
    config: access,
    schema: { tags, summary: 'OGC API – Features: the landing page', querystring: S.MetaQuery, response: json(S.LandingPage) },
    handler: (req, reply) => send(reply, doc.JSON_TYPE, doc.landingPage(baseOf(req))),
  });

  r.get('/ogc/conformance', {
    config: access,
    schema: { tags, summary: 'OGC API – Features: the conformance classes (Core, GeoJSON)', querystring: S.MetaQuery, response: json(S.Conformance) },
    handler: (_req, reply) => send(reply, doc.JSON_TYPE, doc.conformance()),
  });

  r.get('/ogc/collections', {
    config: access,
    schema: { tags, summary: 'OGC API – Features: the collections (incidents, territories, admin-areas)', querystring: S.MetaQuery, response: json(S.Collections) },
    handler: async (req, reply) => send(reply, doc.JSON_TYPE, doc.collections(baseOf(req), await extents(config))),
  });

  r.get('/ogc/collections/:collectionId', {
    config: access,
    schema: { tags, summary: 'OGC API – Features: one collection', params: S.CollectionParams, querystring: S.MetaQuery, response: json(S.Collection) },
    handler: async (req, reply) => send(reply, doc.JSON_TYPE, doc.collection(baseOf(req), collectionOf(req.params.collectionId), await extents(config))),
  });

  r.get('/ogc/collections/:collectionId/items', {
    // a page of up to 10,000 features, and numberMatched counts the whole collection: bounded per account
    config: { ...access, rateLimit: perAccountRate(config.scanRatePerMinute, 'items pages') },
    schema: {
      tags,
      summary: 'OGC API – Features: a page of a collection’s features (GeoJSON), with numberMatched and a next link',
      description: 'Pages by cursor (the next link carries it): every feature once across the pages. Unknown parameters are refused (400, naming the parameter).',
      params: S.CollectionParams,
      querystring: S.ItemsQuery,
      response: geojson(S.FeatureCollection),
    },
    handler: async (req, reply) => {
      const id = collectionOf(req.params.collectionId);
      const { f: _f, ...q } = req.query;
      const page = await items(db, config, principal(req), id, q);
      const base = baseOf(req);
      let next: string | null = null;
      if (page.next) {
        const u = new URL(req.url, base);
        for (const [k, v] of Object.entries(page.pin)) u.searchParams.set(k, v);
        u.searchParams.set('cursor', page.next);
        next = `${base}${u.pathname}${u.search}`;
      }
      const body = doc.featurePage({ base, id, self: `${base}${req.url}`, next, features: page.features, numberMatched: page.numberMatched, timeStamp: new Date() });
      return send(reply, doc.GEOJSON_TYPE, body, id === 'incidents');
    },
  });

  r.get('/ogc/collections/:collectionId/items/:featureId', {
    config: access,
    schema: {
      tags,
      summary: 'OGC API – Features: one feature (GeoJSON)',
      description: 'A feature the caller may not see is answered 404, as one that does not exist.',
      params: S.FeatureParams,
      querystring: S.MetaQuery,
      response: geojson(S.Feature),
    },
    handler: async (req, reply) => {
      const id = collectionOf(req.params.collectionId);
      const f = await feature(db, config, principal(req), id, req.params.featureId);
      return send(reply, doc.GEOJSON_TYPE, doc.featureDocument(baseOf(req), id, f), id === 'incidents');
    },
  });
}
