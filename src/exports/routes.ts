// Exports over HTTP: GET /api/v1/exports/incidents?format=geojson|acled|hxl|csv with the list's
// filters, and GET /api/v1/exports/vetting?format=csv|geojson with the vetting history's, streamed
// (service.ts). Read-only: no write, no ledger leaf.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { principal, recheckPrincipal } from '../auth/hook.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ACLED_COLUMNS, CSV_COLUMNS, HXL_COLUMNS } from './formats.ts';
import { SITE_READERS } from '../vetting/lookup.ts';
import { ExportQuery, VettingExportQuery } from './schemas.ts';
import { exportSlots, startExport, startVettingExport, type Export, type ExportSettings } from './service.ts';
import { VETTING_CSV_COLUMNS } from './vetting.ts';

export async function exportRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings: ExportSettings = { perAccount: config.exportsPerAccount, max: config.exportsMax, chunkRows: config.exportChunkRows, stallMs: config.exportStallS * 1000, recheckMs: config.streamRecheckMs };
  const slots = exportSlots(db, settings);
  app.addHook('preClose', async () => {
    for (const x of slots.list()) app.log.info({ export: x }, 'export cut short: the server is closing');
    slots.cancelAll();
  });

  r.get('/api/v1/exports/incidents', {
    exposeHeadRoute: false, // a HEAD would take an export's place for nothing
    config: { access: ANY_ROLE },
    schema: {
      tags: ['exports'],
      summary: 'The incident list as a file: GeoJSON, ACLED CSV, HXL-tagged CSV or the list’s fields as CSV; streamed',
      description:
        'Holds exactly the incidents GET /api/v1/incidents gives the caller with the same filters (bbox, from, to, type, partyId, status, grade, pcode), newest first, ' +
        'each with the fields the list shows that caller. Streamed as it is read: the first rows come at once whatever the size. ' +
        `ACLED columns: ${ACLED_COLUMNS.join(', ')}. HXL hashtags: ${HXL_COLUMNS.map(([, t]) => t).join(' ')}. CSV columns: ${CSV_COLUMNS.join(', ')}. ` +
        'A text cell starting with = + - @ (a spreadsheet formula) is written with a leading apostrophe. ' +
        `At most ${config.exportsPerAccount} exports per account and ${config.exportsMax} in all per server at once (429 \`TOO_MANY_EXPORTS\`); a client that reads nothing for ${config.exportStallS} s is cut off, and an export whose credentials are revoked meanwhile ends (checked every ${config.streamRecheckMs / 1000} s).`,
      querystring: ExportQuery,
      produces: ['application/geo+json', 'text/csv'],
      response: {
        200: {
          description: 'The file (Content-Disposition: attachment)',
          content: { 'application/geo+json': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
        },
      },
    },
    handler: async (req, reply) => send(reply, await startExport(db, principal(req), req.query, settings, () => recheckPrincipal(db, config, req))),
  });

  r.get('/api/v1/exports/vetting', {
    exposeHeadRoute: false,
    config: { access: SITE_READERS },
    schema: {
      tags: ['exports', 'vetting'],
      summary: 'The vetting history as a file: CSV or GeoJSON; streamed',
      description:
        'Holds exactly the decisions GET /api/v1/vetting gives with the same filters (requestedBy, requestingPartyId, decision, reason, from, to), newest first, each as the list shows it (the exact decision, what the caller was told, the ledger seq). ' +
        `CSV columns: ${VETTING_CSV_COLUMNS.join(', ')}. GeoJSON: each target as its feature's geometry. A text cell starting with = + - @ is written with a leading apostrophe. ` +
        `Bounded with the incident exports: ${config.exportsPerAccount} per account and ${config.exportsMax} in all per server at once (429 \`TOO_MANY_EXPORTS\`).`,
      querystring: VettingExportQuery,
      produces: ['application/geo+json', 'text/csv'],
      response: {
        200: {
          description: 'The file (Content-Disposition: attachment)',
          content: { 'application/geo+json': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
        },
      },
    },
    handler: async (req, reply) => send(reply, await startVettingExport(db, principal(req), req.query, settings, () => recheckPrincipal(db, config, req))),
  });
}

/** The file as an attachment, piped as it is read (the routes' response schemas are for the docs). */
function send(reply: FastifyReply, x: Export) {
  reply
    .type(x.mediaType)
    .header('content-disposition', `attachment; filename="${x.fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-accel-buffering', 'no'); // nginx: pass it on as it comes
  return reply.send(x.stream as unknown as string);
}
