// POST /api/v1/imports: an ACLED or UCDP GED file as the body (text/csv), read as a stream and
// checked whole before anything is filed (a body that cannot be read stores nothing), then filed
// as reports in batches; the answer is the import's summary.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { principal } from '../auth/hook.ts';
import { getAccount } from '../auth/lookup.ts';
import type { Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { TASK_FORCE } from '../ledger/entities.ts';
import * as S from './schemas.ts';
import { importCsv, MAX_COLUMNS, MAX_RECORD_BYTES } from './service.ts';

/**
 * Who imports: the task force (admin, co-chairs, secretariat). An import files thousands of
 * reports with attributions at once, as the task force's own account of open data; a monitor,
 * liaison or agency files its own reports (POST /reports, /reports/batch), and analysts and the
 * public file none.
 */
export const IMPORTERS: readonly Role[] = TASK_FORCE;

const CSV_TYPES = ['text/csv', 'application/csv'];

export async function importRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // this plugin's routes only: the body is handed over as the stream it is, read as it comes
  app.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload));

  r.post('/api/v1/imports', {
    config: { access: IMPORTERS },
    schema: {
      tags: ['imports'],
      summary: 'Import an ACLED export or a UCDP GED file (the body, text/csv) as reports',
      description:
        `Columns are found by name. Each row becomes a report (channel import, sourceRef \`acled:<event_id_cnty>\` or \`ucdp:<id>\`, the caller its reporter), enriched and grouped into incidents as POST /reports/batch files them, ` +
        `${config.reportBatchMax} to a write. A row with a bad value is skipped whole and listed with its line and reason (the first ${config.importRejectsListed}, the rest counted); ` +
        `a row imported before is a duplicate and filed nothing; actors no party's name or alias matches are listed with their row counts, never made parties. ` +
        `The whole body is read and checked before anything is filed: more than ${config.importBodyLimit} bytes is 413; a body that is not UTF-8 text, an empty one, one with only a header, ` +
        `a header of another source, more than ${MAX_COLUMNS} columns or a record over ${MAX_RECORD_BYTES} bytes is 400 MALFORMED_CSV naming the line; anything but text/csv is 415. Such a body stores nothing.`,
      querystring: S.ImportQuery,
      response: { 200: S.ImportSummary },
    },
    handler: async (req) => {
      const me = principal(req);
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!CSV_TYPES.includes(type)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Send the file as text/csv, not ${type || 'no Content-Type'}.`, 'Content-Type');
      const length = Number(req.headers['content-length']);
      if (Number.isFinite(length) && length > config.importBodyLimit) {
        throw new ApiError('BODY_TOO_LARGE', `The file is larger than ${config.importBodyLimit} bytes; split it.`, '(body)', { limit: config.importBodyLimit });
      }
      const organisation = (await getAccount(db, me.accountId))?.organisation ?? null;
      return importCsv(db, config, req.body as Readable, {
        source: req.query.source,
        reporter: { accountId: me.accountId, role: me.role, partyId: me.partyId, organisation },
        actor: me,
        limits: { maxBytes: config.importBodyLimit, maxColumns: MAX_COLUMNS, maxRecordBytes: MAX_RECORD_BYTES },
        checkFirst: true,
      });
    },
  });
}
