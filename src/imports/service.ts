// Importing an ACLED or UCDP GED file: read it as a stream, make each record a report (channel
// import, sourceRef the source's event id), match its actors to parties, and file the reports
// through the desk's intake in batches of the batch route's size (each batch one write: its
// reports' leaves, enrichment and grouping, as POST /reports/batch). A row that does not fit is
// skipped whole with its line and reason; one imported before (same sourceRef) is a duplicate.
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { fieldErrors, makeValidatorCompiler } from '../http/validation.ts';
import { enricherFor, existingSourceRefs, fileReports, prepareAll, ReportCreate, type Outcome, type Rejection, type Reporter } from '../incidents/lookup.ts';
import { write, type Actor } from '../ledger/ledger.ts';
import { listParties } from '../parties/lookup.ts';
import { ACLED_FIELDS, acledLayout, acledRow } from './acled.ts';
import { ActorMatcher, importBody, Unmatched, type ImportBody } from './actors.ts';
import type { Layout, RowResult, Source } from './cells.ts';
import { readCsv, type CsvRecord, type ReadLimits } from './read.ts';
import { UCDP_FIELDS, ucdpLayout, ucdpRow } from './ucdp.ts';

export interface Format {
  layout(header: string[]): Layout | string;
  row(layout: Layout, cells: string[]): RowResult;
  /** The file's column a report field comes from, for reasons. */
  fields: Record<string, string>;
}

export const FORMATS: Record<Source, Format> = {
  acled: { layout: acledLayout, row: acledRow, fields: ACLED_FIELDS },
  ucdp: { layout: ucdpLayout, row: ucdpRow, fields: UCDP_FIELDS },
};

/** Most columns a header may have (ACLED has 31, UCDP 49), and the longest record read (a cell of a megabyte is refused). */
export const MAX_COLUMNS = 256;
export const MAX_RECORD_BYTES = 64 * 1024;

export interface ImportSummary {
  source: Source;
  layout: string;
  /** Data rows read (the header aside). */
  read: number;
  imported: number;
  /** Rows whose event was imported before (or earlier in the file): nothing filed twice. */
  duplicate: number;
  rejected: number;
  /** Incidents the imported reports were grouped into. */
  incidents: number;
  rejectedRows: { line: number; reason: string }[];
  rejectedOmitted: number;
  unmatchedActors: { name: string; rows: number }[];
  unmatchedOmitted: number;
}

export interface ImportOptions {
  source: Source;
  /** Who files: stored with each report, as for POST /reports. */
  reporter: Reporter;
  actor: Actor;
  limits: ReadLimits;
  /** Read and check the whole input before filing anything (the route: a body that cannot be read stores nothing). */
  checkFirst: boolean;
  onBytes?: (total: number) => void;
  onRows?: (s: ImportSummary) => void;
}

/** A row the file held, as it goes to intake: its line and body. */
interface Pending {
  line: number;
  body: ImportBody;
}

const compiled = new WeakMap<Config, ((x: unknown) => boolean) & { errors: unknown[] | null }>();
/** The single report's schema, as the batch route checks each of its rows (canonical times, clean names). */
function checker(config: Config) {
  let c = compiled.get(config);
  if (!c) {
    c = makeValidatorCompiler({ minYear: config.minYear, maxYear: config.maxYear })({ schema: ReportCreate, httpPart: 'body', method: 'POST', url: '/api/v1/imports' } as never) as never;
    compiled.set(config, c!);
  }
  return c!;
}

export class Importer {
  private readonly format: Format;
  private readonly summary: ImportSummary;
  private readonly unmatched = new Unmatched();
  private readonly seen = new Set<string>();
  private readonly incidents = new Set<string>();
  private readonly check: ReturnType<typeof checker>;
  private matcher!: ActorMatcher;
  private layout: Layout | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly o: ImportOptions,
  ) {
    this.format = FORMATS[o.source];
    this.check = checker(config);
    this.summary = { source: o.source, layout: '', read: 0, imported: 0, duplicate: 0, rejected: 0, incidents: 0, rejectedRows: [], rejectedOmitted: 0, unmatchedActors: [], unmatchedOmitted: 0 };
  }

  private reject(line: number, reason: string) {
    this.summary.rejected++;
    if (this.summary.rejectedRows.length < this.config.importRejectsListed) this.summary.rejectedRows.push({ line, reason });
    else this.summary.rejectedOmitted++;
  }

  /** A refusal by the schema or intake, told by the file's column. */
  private column(field: string): string {
    const top = field.split('.')[0];
    const col = this.format.fields[top];
    return col ? `${col}${field.includes('.') ? ` (${field})` : ''}` : field;
  }

  /** A record as a pending report, or null when it is refused or a duplicate (counted). */
  private take(rec: CsvRecord): Pending | null {
    const layout = this.layout!;
    this.summary.read++;
    if (rec.cells.length !== layout.width) {
      this.reject(rec.line, `has ${rec.cells.length} cells; the header has ${layout.width} columns`);
      return null;
    }
    const r = this.format.row(layout, rec.cells);
    if (!r.ok) {
      this.reject(rec.line, r.reason);
      return null;
    }
    const { body, unmatched } = importBody(r.row, this.matcher);
    this.unmatched.add(unmatched);
    if (!this.check(body)) {
      const [e] = fieldErrors(this.check.errors as never, 'body');
      this.reject(rec.line, `${this.column(e.field)}: ${e.reason}`);
      return null;
    }
    if (this.seen.has(body.sourceRef)) {
      this.summary.duplicate++; // the same event earlier in the file
      return null;
    }
    this.seen.add(body.sourceRef);
    return { line: rec.line, body };
  }

  private rejection(line: number, r: Rejection) {
    const e = r.errors[0];
    this.reject(line, e ? `${this.column(e.field)}: ${r.detail}` : r.detail);
  }

  /** Files a batch: drops what was imported before, prepares (enrichment) outside the write, files in one write. */
  private async file(batch: Pending[]): Promise<void> {
    if (!batch.length) return;
    const taken = await existingSourceRefs(
      this.db,
      batch.map((p) => ({ channel: 'import', sourceRef: p.body.sourceRef })),
    );
    const fresh = batch.filter((p) => !taken.has(`import\u0000${p.body.sourceRef}`));
    this.summary.duplicate += batch.length - fresh.length;
    if (!fresh.length) return;
    const enricher = enricherFor(this.db, this.config);
    const outcomes = await prepareAll(this.db, fresh.map((p) => p.body as ReportCreate), enricher, this.o.reporter);
    const ready: { p: Pending; o: Outcome }[] = [];
    outcomes.forEach((o, i) => (o.ok ? ready.push({ p: fresh[i], o }) : this.rejection(fresh[i].line, o.rejection)));
    if (!ready.length) return;
    const settings = { distanceM: this.config.groupDistanceM, gapMs: this.config.groupGapH * 3_600_000 };
    const filed = await write(this.db, this.o.actor, (w) => fileReports(w, ready.map((r) => r.o), settings, { cache: this.db }));
    filed.forEach((f, i) => {
      if (f.ok) {
        this.summary.imported++;
        if (f.row.incidentId) this.incidents.add(f.row.incidentId);
      } else if (f.rejection.code === 'DUPLICATE') this.summary.duplicate++; // imported by another run a moment ago
      else this.rejection(ready[i].p.line, f.rejection);
    });
  }

  private result(): ImportSummary {
    const { actors, omitted } = this.unmatched.list(this.config.importRejectsListed);
    const rejectedRows = [...this.summary.rejectedRows].sort((a, b) => a.line - b.line); // intake's refusals come after the parser's
    return { ...this.summary, rejectedRows, incidents: this.incidents.size, unmatchedActors: actors, unmatchedOmitted: omitted };
  }

  async run(input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream): Promise<ImportSummary> {
    const parties = await listParties(this.db);
    this.matcher = new ActorMatcher(parties.map((p) => ({ id: p.id, name: p.name, aliases: p.aliases })));
    const size = this.config.reportBatchMax;
    const held: Pending[] = [];
    let batch: Pending[] = [];
    for await (const rec of readCsv(input, this.o.limits, this.o.onBytes)) {
      if (!this.layout) {
        const layout = this.format.layout(rec.cells);
        if (typeof layout === 'string') throw new ApiError('MALFORMED_CSV', `Line 1 is not the header of a ${this.o.source === 'acled' ? 'ACLED export' : 'UCDP GED file'}: ${layout}.`, 'line 1', { line: 1 });
        this.layout = layout;
        this.summary.layout = layout.variant;
        continue;
      }
      const p = this.take(rec);
      if (!p) continue;
      if (this.o.checkFirst) held.push(p);
      else {
        batch.push(p);
        if (batch.length >= size) {
          await this.file(batch);
          batch = [];
          this.o.onRows?.(this.result());
        }
      }
    }
    if (this.summary.read === 0) throw new ApiError('MALFORMED_CSV', 'The file has a header but no rows.', '(body)');
    for (let i = 0; i < held.length; i += size) {
      await this.file(held.slice(i, i + size));
      this.o.onRows?.(this.result());
    }
    await this.file(batch);
    return this.result();
  }
}

/** Imports one file or body; see Importer. */
export function importCsv(db: Db, config: Config, input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream, o: ImportOptions): Promise<ImportSummary> {
  return new Importer(db, config, o).run(input);
}
