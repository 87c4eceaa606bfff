import fs from 'node:fs';
import path from 'node:path';
import { randomUUID, sign } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifySchema } from 'fastify';
import { accessHook } from './auth/hook.ts';
import type { Access } from './auth/roles.ts';
import { authRoutes } from './auth/routes.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { ping } from './db/statements.ts';
import { ApiError, problem, type ErrorCode, type FieldError } from './http/errors.ts';
import { jsonLimitFault } from './http/json.ts';
import { Jobs, plannerStatisticsJob, signedHeadsJob } from './jobs.ts';
import { useCursorKey } from './http/pagination.ts';
import { ProblemSchema } from './http/schemas.ts';
import { lazySerializers } from './http/serialization.ts';
import { fieldErrors, makeValidatorCompiler, noteBodySize } from './http/validation.ts';
import { loadLedgerKey, type LedgerKey } from './ledger/keys.ts';
import { ledgerRoutes } from './ledger/routes.ts';
import { useLedgerKey } from './ledger/ledger.ts';
import { partyRoutes } from './parties/routes.ts';
import { termsRoutes } from './terms/routes.ts';
import { territoryRoutes } from './territory/routes.ts';
import { siteRoutes } from './sites/routes.ts';
import { vettingRoutes } from './vetting/routes.ts';
import { reportRoutes } from './incidents/report-routes.ts';
import { placeRoutes } from './places/routes.ts';
import { eventRoutes } from './events/routes.ts';
import { incidentRoutes } from './incidents/routes.ts';
import { clusterRoutes } from './incidents/cluster-routes.ts';
import { aidRoutes } from './aid/routes.ts';
import { ogcRoutes } from './ogc/routes.ts';
import { exportRoutes } from './exports/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { importRoutes } from './imports/routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with its declared access and its request schemas (docs and the route x role and schema tests use it). */
    apiRoutes: { method: string; url: string; access: Access; schema?: FastifySchema }[];
    /** The app's background jobs: register while building; they start when it is ready and stop when it closes. */
    jobs: Jobs;
  }
}

export interface AppDeps {
  db: Db;
  config: Config;
  /** The log's signing key; loaded from the config when not given. */
  ledgerKey?: LedgerKey;
}

/** Fastify's own error codes for bad requests, mapped to the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

/** The first string (or key) PostgreSQL cannot store, with why; null when all are fine. The path is built only for a hit: building one per value cost more than the rest of a 200,000-item body. */
function findBadString(v: unknown, at: string): { field: string; reason: string } | null {
  const why = (s: string) => (s.includes('\0') ? 'must not contain the NUL character' : !s.isWellFormed() ? 'must not contain a lone UTF-16 surrogate' : null);
  const join = (k: string | number) => (at ? `${at}.${k}` : String(k));
  if (typeof v === 'string') {
    const r = why(v);
    return r ? { field: at, reason: r } : null;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'string' ? why(x) !== null : x !== null && typeof x === 'object') {
        const hit = findBadString(x, join(i));
        if (hit) return hit;
      }
    }
  } else if (v && typeof v === 'object') {
    for (const k in v) {
      const r = why(k);
      if (r) return { field: join(k), reason: r };
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'string' ? why(x) !== null : x !== null && typeof x === 'object') {
        const hit = findBadString(x, join(k));
        if (hit) return hit;
      }
    }
  }
  return null;
}

/** Unicode NFC for every string, so the same text typed two ways is one value (RFC 8265 does the same for passwords). */
function normalise(v: unknown): unknown {
  if (typeof v === 'string') return v.normalize('NFC');
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.normalize('NFC'), normalise(x)]));
  return v;
}

/** A field or reason cut to a readable length: a 900 KB key name must not come back whole. */
const clip = (s: string, max = 200) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** Fastify errors that carry only a status: the catalogue code for it. */
const BY_STATUS: Record<number, ErrorCode> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'ROUTE_NOT_FOUND', 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** The headers helmet sets for these options, as a plain map (its middleware run once against a recorder). */
function securityHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: unknown) => void (headers[k.toLowerCase()] = String(v)), removeHeader: (k: string) => void delete headers[k.toLowerCase()] };
  helmet(options)({} as never, res as never, () => {});
  return headers;
}

export async function buildApp({ db, config, ledgerKey = loadLedgerKey(config) }: AppDeps): Promise<FastifyInstance> {
  useLedgerKey(db, ledgerKey); // every write through this app signs the head it leads to
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    // Errors Node's HTTP parser finds before any route runs (a broken Content-Length, huge headers) are problems too.
    clientErrorHandler: (err: NodeJS.ErrnoException & { code?: string }, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({ ...problem('VALIDATION_FAILED', `The request could not be read: ${err.code ?? err.message}.`, [{ field: '(request)', reason: err.message }]), status });
      socket.end(`HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  });
  app.setValidatorCompiler(makeValidatorCompiler({ minYear: config.minYear, maxYear: config.maxYear }));
  useCursorKey(sign(null, Buffer.from('truce pagination cursors v1'), ledgerKey.privateKey)); // instances sharing a log key accept each other's cursors
  // JSON only: anything else on a route that takes a body is 415, not a string to misread.
  app.removeContentTypeParser(['text/plain']);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    let text: string;
    try {
      text = utf8.decode(raw as Buffer);
    } catch {
      return done(new ApiError('MALFORMED_JSON', 'The body is not valid UTF-8.', '(body)'));
    }
    const tooBig = jsonLimitFault(text, { maxDepth: config.maxJsonDepth, maxKeys: config.maxJsonKeys });
    if (tooBig) return done(new ApiError('VALIDATION_FAILED', `The body ${tooBig}.`, '(body)'));
    if (text === '') {
      if (req.method === 'DELETE') return done(null, undefined); // a bodiless DELETE that names its type
      return done(new ApiError('MALFORMED_JSON', 'The body is empty; send a JSON document.', '(body)'));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return done(new ApiError('MALFORMED_JSON', `The body is not valid JSON: ${(e as Error).message}.`, '(body)'));
    }
    // PostgreSQL text holds neither NUL nor half a surrogate pair: refuse them here, naming the field.
    const bad = findBadString(body, '');
    if (bad) return done(new ApiError('VALIDATION_FAILED', `${bad.field || '(body)'} ${bad.reason}.`, bad.field || '(body)'));
    const clean = normalise(body);
    noteBodySize(clean, raw.length);
    done(null, clean);
  });
  app.addSchema(ProblemSchema);

  const apiRoutes: FastifyInstance['apiRoutes'] = [];
  app.decorate('apiRoutes', apiRoutes);

  // Background jobs live and die with the app: server.ts only listens and closes.
  const jobs = new Jobs(app.log);
  app.decorate('jobs', jobs);
  jobs.register(signedHeadsJob(db, ledgerKey, config.ledgerHeadIntervalS));
  jobs.register(plannerStatisticsJob(db, config.analyzeIntervalS));
  app.addHook('onReady', () => jobs.start());
  app.addHook('onClose', () => jobs.stop());
  // OGC API – Features (/ogc) is API too: declared access, problem documents, in the route x role walk
  const isApi = (url: string) => url.startsWith('/api/') || url === '/ogc' || url.startsWith('/ogc/');
  app.addHook('onRoute', (route) => {
    if (isApi(route.url) && route.config?.access) {
      for (const method of [route.method].flat()) if (method !== 'HEAD') apiRoutes.push({ method, url: route.url, access: route.config.access, schema: route.schema });
    }
    if (isApi(route.url) && !route.config?.access) throw new Error(`route ${route.method} ${route.url} declares no access`);
    if (isApi(route.url) && route.schema) {
      const s = route.schema as Record<string, any>;
      s.response = { ...s.response, '4xx': { $ref: 'Problem#' } };
      s.security = route.config?.access === 'anonymous' ? [] : [{ bearer: [] }, { session: [] }];
      s.description = [s.description, `Access: ${route.config?.access === 'anonymous' ? 'anyone' : (route.config!.access as string[]).join(', ')}.`].filter(Boolean).join(' ');
    }
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Answers carry sensitive data (site positions, who asked what): no cache keeps them.
    // Static files set their own caching; the rest, the API above all, is never stored.
    if (req.url.startsWith('/api/') || !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  // Security headers on every answer, errors included. The ops-room map (MapLibre) needs its
  // worker file and blob: workers, data:/blob: images and inline style attributes; nothing
  // comes from another origin. No upgrade-insecure-requests: a loopback install is plain HTTP.
  // The security headers are the same for every answer: worked out once from helmet's policy
  // (@fastify/helmet built helmet's middleware again on every request, its CSP parsed each time).
  const security = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false, // set by the TLS-terminating proxy, which knows whether there is TLS
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(security);
    done();
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'truce API', version: '1', description: 'The software a ceasefire mechanism runs on. Errors are RFC 9457 problem documents with a stable `code`.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'truce_session' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err: FastifyError & { validation?: any[]; validationContext?: string }, req, reply) => {
    let status: number;
    let body;
    if (err instanceof ApiError) {
      status = err.status;
      body = problem(err.code, err.detail, err.field ? [{ field: err.field, reason: err.detail }] : [], err.extra);
    } else if (err.validation) {
      // A hostile body can fail a schema 400,000 times: list the first few, count the rest.
      const all: FieldError[] = fieldErrors(err.validation, err.validationContext);
      const errors = all.slice(0, config.maxErrorsReported).map((e) => ({ field: clip(e.field), reason: clip(e.reason) }));
      const omitted = all.length - errors.length;
      const partial = (err.validation as { partial?: boolean }).partial === true;
      status = 400;
      const detail =
        errors.map((e) => `${e.field} ${e.reason}`).join('; ') + (omitted ? `; and ${omitted} more` : '') + (partial ? ' (a large body is checked up to its first error)' : '');
      body = problem('VALIDATION_FAILED', detail, errors, { in: err.validationContext, ...(omitted ? { errorsOmitted: omitted } : {}), ...(partial ? { partial: true } : {}) });
    } else if (err.code && FASTIFY_CODES[err.code]) {
      const code = FASTIFY_CODES[err.code];
      const field = code === 'UNSUPPORTED_MEDIA_TYPE' ? 'Content-Type' : '(body)';
      body = problem(code, err.message, [{ field, reason: err.message }]);
      status = body.status;
    } else if (err instanceof SyntaxError || (err.statusCode && err.statusCode < 500)) {
      status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      const code = BY_STATUS[status] ?? (err instanceof SyntaxError ? 'MALFORMED_JSON' : 'VALIDATION_FAILED');
      body = problem(code, err.message, [{ field: code === 'ROUTE_NOT_FOUND' || code === 'FORBIDDEN' ? 'url' : '(body)', reason: err.message }]);
      body.status = status;
    } else if ((err as any).code === '23505') {
      // A unique constraint caught a race the service's own check could not see.
      req.log.warn({ err }, 'unique violation');
      status = 409;
      body = problem('DUPLICATE', 'It already exists.', [{ field: '(body)', reason: 'already exists' }]);
    } else {
      // Everything else, database errors included, is ours to fix: its text (SQL, values, the
      // schema) stays in the log and never reaches a client. Input is checked before SQL.
      req.log.error({ err }, 'unhandled error');
      status = 500;
      body = problem('INTERNAL', 'An internal error occurred; it has been logged with the request id.');
    }
    if (status >= 400 && status < 500) req.log.info({ code: body.code, field: body.field }, 'request refused');
    reply.header('cache-control', 'no-store');
    reply.code(status).type('application/problem+json').send({ ...body, instance: req.url, requestId: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    const index = path.join(config.webDir, 'index.html');
    const wantsPage = req.method === 'GET' && !isApi(req.url) && !req.url.startsWith('/reference/') && fs.existsSync(index);
    if (wantsPage) return reply.type('text/html').send(fs.createReadStream(index)); // the web app routes itself
    reply
      .code(404)
      .type('application/problem+json')
      .send({ ...problem('ROUTE_NOT_FOUND', `There is no ${req.method} ${req.url.split('?')[0]}.`), instance: req.url, requestId: req.id });
  });

  app.addHook('onRequest', accessHook(db, config));

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ping(db);
    return { status: 'ok', db: db.engine };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const routes of [authRoutes, termsRoutes, partyRoutes, ledgerRoutes, territoryRoutes, siteRoutes, vettingRoutes, reportRoutes]) await app.register(routes, { db, config, ledgerKey });
  await app.register(placeRoutes, { config }); // the gazetteer (issue 9)
  await app.register(eventRoutes, { db, config }); // the events hub (LISTEN/NOTIFY) and GET /api/v1/stream
  await app.register(incidentRoutes, { db }); // the investigation desk
  await app.register(clusterRoutes, { db, config }); // the map's clusters at scale (issue 11)
  await app.register(aidRoutes, { db, config }); // humanitarian access: besieged areas, convoys, approvals, figures
  await app.register(ogcRoutes, { db, config }); // OGC API – Features at /ogc (issue 11)
  await app.register(exportRoutes, { db, config }); // exports of the incident list (GeoJSON, ACLED, HXL, CSV), streamed
  await app.register(webhookRoutes, { db, config }); // webhooks: registrations, the outbox and its deliveries (issue 11)
  await app.register(importRoutes, { db, config }); // ACLED and UCDP GED imports (issue 11)

  if (fs.existsSync(config.referenceDir)) {
    await app.register(fastifyStatic, { root: config.referenceDir, prefix: '/reference/', decorateReply: false, maxAge: 3600_000 });
  }
  if (fs.existsSync(config.webDir)) {
    await app.register(fastifyStatic, { root: config.webDir, prefix: '/', wildcard: true, decorateReply: false });
  }
  return app;
}
