import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { accessHook } from './auth/hook.ts';
import type { Access } from './auth/roles.ts';
import { authRoutes } from './auth/routes.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { ApiError, problem, type ErrorCode, type FieldError } from './http/errors.ts';
import { ProblemSchema } from './http/schemas.ts';
import { fieldErrors, makeValidatorCompiler } from './http/validation.ts';
import { loadLedgerKey, type LedgerKey } from './ledger/keys.ts';
import { ledgerRoutes } from './ledger/routes.ts';
import { partyRoutes } from './parties/routes.ts';
import { termsRoutes } from './terms/routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with its declared access (docs and the route x role test use it). */
    apiRoutes: { method: string; url: string; access: Access }[];
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

/** The dotted path of the first string (or key) holding a NUL character, or null. */
function findNul(v: unknown, at: string): string | null {
  if (typeof v === 'string') return v.includes('\0') ? at : null;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = at ? `${at}.${k}` : k;
      if (k.includes('\0')) return p;
      const hit = findNul(x, p);
      if (hit !== null) return hit;
    }
  }
  return null;
}

export async function buildApp({ db, config, ledgerKey = loadLedgerKey(config) }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(makeValidatorCompiler());
  // JSON only: anything else on a route that takes a body is 415, not a string to misread.
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    try {
      if (text === '') return done(new ApiError('MALFORMED_JSON', 'The body is empty; send a JSON document.', '(body)'));
      const body = JSON.parse(text as string);
      // PostgreSQL text cannot hold NUL: refuse it here, naming the field, rather than fail in SQL.
      const nul = (text as string).includes('\\u0000') ? findNul(body, '') : null;
      if (nul !== null) return done(new ApiError('VALIDATION_FAILED', `${nul || '(body)'} must not contain the NUL character.`, nul || '(body)'));
      done(null, body);
    } catch (e) {
      done(new ApiError('MALFORMED_JSON', `The body is not valid JSON: ${(e as Error).message}.`, '(body)'));
    }
  });
  app.addSchema(ProblemSchema);

  const apiRoutes: { method: string; url: string; access: Access }[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && route.config?.access) {
      for (const method of [route.method].flat()) if (method !== 'HEAD') apiRoutes.push({ method, url: route.url, access: route.config.access });
    }
    if (route.url.startsWith('/api/') && !route.config?.access) throw new Error(`route ${route.method} ${route.url} declares no access`);
    if (route.url.startsWith('/api/') && route.schema) {
      const s = route.schema as Record<string, any>;
      s.response = { ...s.response, '4xx': { $ref: 'Problem#' } };
      s.security = route.config?.access === 'anonymous' ? [] : [{ bearer: [] }, { session: [] }];
      s.description = [s.description, `Access: ${route.config?.access === 'anonymous' ? 'anyone' : (route.config!.access as string[]).join(', ')}.`].filter(Boolean).join(' ');
    }
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
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
      const errors: FieldError[] = fieldErrors(err.validation, err.validationContext);
      status = 400;
      body = problem('VALIDATION_FAILED', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors, { in: err.validationContext });
    } else if (err.code && FASTIFY_CODES[err.code]) {
      const code = FASTIFY_CODES[err.code];
      const field = code === 'UNSUPPORTED_MEDIA_TYPE' ? 'Content-Type' : code === 'BODY_TOO_LARGE' ? '(body)' : '(body)';
      body = problem(code, err.message, [{ field, reason: err.message }]);
      status = body.status;
    } else if (err instanceof SyntaxError || (err.statusCode && err.statusCode < 500)) {
      status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      body = problem(status === 400 ? 'MALFORMED_JSON' : 'VALIDATION_FAILED', err.message, [{ field: '(body)', reason: err.message }]);
      body.status = status;
    } else if (/^22/.test((err as any).code ?? '')) {
      // PostgreSQL's data exceptions (a value out of its range): the input's fault, and the transaction rolled back.
      status = 400;
      body = problem('VALIDATION_FAILED', `A value is out of range: ${err.message}.`, [{ field: '(body)', reason: err.message }]);
    } else if ((err as any).code === '23505') {
      // A unique constraint caught a race the service's own check could not see.
      status = 409;
      body = problem('DUPLICATE', 'It already exists.', [{ field: (err as any).constraint ?? '(body)', reason: 'already exists' }]);
    } else {
      req.log.error({ err }, 'unhandled error');
      status = 500;
      body = problem('INTERNAL', 'An internal error occurred; it has been logged with the request id.');
    }
    if (status >= 400 && status < 500) req.log.info({ code: body.code, field: body.field }, 'request refused');
    reply.code(status).type('application/problem+json').send({ ...body, instance: req.url, requestId: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    const index = path.join(config.webDir, 'index.html');
    const wantsPage = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/reference/') && fs.existsSync(index);
    if (wantsPage) return reply.type('text/html').send(fs.createReadStream(index)); // the web app routes itself
    reply
      .code(404)
      .type('application/problem+json')
      .send({ ...problem('ROUTE_NOT_FOUND', `There is no ${req.method} ${req.url.split('?')[0]}.`), instance: req.url, requestId: req.id });
  });

  app.addHook('onRequest', accessHook(db, config));

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await db.query('SELECT 1');
    return { status: 'ok', db: db.engine };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const routes of [authRoutes, termsRoutes, partyRoutes, ledgerRoutes]) await app.register(routes, { db, config, ledgerKey });

  if (fs.existsSync(config.referenceDir)) {
    await app.register(fastifyStatic, { root: config.referenceDir, prefix: '/reference/', decorateReply: false, maxAge: 3600_000 });
  }
  if (fs.existsSync(config.webDir)) {
    await app.register(fastifyStatic, { root: config.webDir, prefix: '/', wildcard: true, decorateReply: false });
  }
  return app;
}
