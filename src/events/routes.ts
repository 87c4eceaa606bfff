import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principal, recheckPrincipal } from '../auth/hook.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { ledgerSize } from '../ledger/lookup.ts';
import { eventsHub } from './hub.ts';
import { Streams } from './service.ts';
import { parseEventId } from './sse.ts';
import './views-registered.ts';

const StreamQuery = Type.Object(
  { lastEventId: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'Resume after this event id (a leaf index); the Last-Event-ID header wins over it' })) },
  { additionalProperties: false },
);

/**
 * The events hub of this app's database, started and stopped with the app as its jobs (the
 * LISTEN connection; on PostgreSQL a poll for notifications lost), and GET /api/v1/stream.
 */
export async function eventRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const hub = eventsHub(db);
  app.jobs.register({
    name: 'events.hub',
    start: () => hub.start({ bufferSize: config.eventsBuffer, onError: (err, what) => app.log.warn({ err }, `events: ${what} failed`) }),
    stop: () => hub.stop(),
  });
  app.jobs.register({ name: 'events.poll', everyMs: hub.followsOthers ? config.eventsPollMs : 0, atStart: false, run: () => hub.sync() });
  const streams = new Streams(hub, db, {
    heartbeatMs: config.streamHeartbeatMs,
    maxMs: config.streamMaxMs,
    recheckMs: config.streamRecheckMs,
    perAccount: config.streamsPerAccount,
    max: config.streamsMax,
  });
  app.addHook('preClose', async () => streams.endAll()); // open streams would hold app.close() until they end
  app.addHook('onClose', async () => streams.close());

  r.get('/api/v1/stream', {
    exposeHeadRoute: false, // a HEAD would open a stream nobody reads, holding a place until the longest duration
    config: { access: ANY_ROLE },
    schema: {
      tags: ['events'],
      summary: 'Server-sent events: every ledger entry the caller may see, live, resuming from Last-Event-ID',
      description:
        '`text/event-stream`. Each event: `id: <ledger leaf index>`, `event: <entity type>`, `data: {"type","action","id","at", ...}` with what the ' +
        'caller may see of it (an event of an entity the caller may not read is not sent at all). A comment line every ' +
        `${config.streamHeartbeatMs / 1000} s keeps proxies from closing it; it may carry an \`id:\` (the position reached) so a resume skips what was withheld. ` +
        'Send `Last-Event-ID` (or `?lastEventId=`) to receive every later entry again from the ledger, with the same filtering. The stream ends after ' +
        `${config.streamMaxMs / 60_000} min, when the credentials are revoked, and when the server stops; clients reconnect. At most ` +
        `${config.streamsPerAccount} streams per account and ${config.streamsMax} in all per server (429).`,
      querystring: StreamQuery,
      produces: ['text/event-stream'],
      response: { 200: { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
    },
    handler: async (req, reply) => {
      const p = principal(req);
      const header = req.headers['last-event-id'];
      const fromHeader = parseEventId(Array.isArray(header) ? header[0] : header);
      if (fromHeader === 'invalid') throw new ApiError('VALIDATION_FAILED', 'Last-Event-ID must be an event id this stream sent (a leaf index).', 'Last-Event-ID');
      const asked = fromHeader ?? parseEventId(req.query.lastEventId);
      let after = hub.size - 1;
      if (typeof asked === 'number') {
        const size = await ledgerSize(db);
        const field = fromHeader === null ? 'lastEventId' : 'Last-Event-ID';
        if (asked >= size) throw new ApiError('VALIDATION_FAILED', `${field} must be below the log's size (${size}).`, field);
        after = asked;
      }
      const out = streams.start(p, after, () => recheckPrincipal(db, config, req));
      reply.header('content-type', 'text/event-stream; charset=utf-8').header('x-accel-buffering', 'no'); // nginx: do not buffer it
      return reply.send(out as unknown as string); // a stream, piped as it is written (the schema above is for the docs)
    },
  });
}
