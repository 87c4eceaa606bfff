// Reading a CSV file or body as a stream of records with their physical line numbers: csv-parse
// does the CSV (quotes, CRLF, a BOM); in front of it a guard refuses what is not text (a NUL
// byte, bytes that are not UTF-8), counts the bytes (progress, a size limit) and notes where
// each line ends, so every record is told by the line it starts on. A quoted cell can hold line
// breaks: csv-parse's own line count reads a CRLF inside quotes as two, so the lines are counted
// here, from the byte offsets csv-parse gives.
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, CsvError } from 'csv-parse';
import { ApiError } from '../http/errors.ts';

export interface ReadLimits {
  /** Most bytes read (413 above); null for none (a file on disk). */
  maxBytes: number | null;
  /** Most columns of the header. */
  maxColumns: number;
  /** Longest record, in bytes (one cell of a megabyte is refused here, not buffered). */
  maxRecordBytes: number;
}

export interface CsvRecord {
  /** The physical line (1-based) the record starts on. */
  line: number;
  cells: string[];
}

/** Newline offsets seen by the guard and not yet passed by a record (a queue: records come in order). */
class Lines {
  private offsets: number[] = [];
  private head = 0;
  private before = 0;
  note(at: number) {
    this.offsets.push(at);
  }
  /** Newlines strictly before byte `at` (offsets only grow, so what a record passed is dropped). */
  countBefore(at: number): number {
    while (this.head < this.offsets.length && this.offsets[this.head] < at) {
      this.head++;
      this.before++;
    }
    if (this.head > 65_536) {
      this.offsets = this.offsets.slice(this.head);
      this.head = 0;
    }
    return this.before;
  }
}

const utf8Refusal = (at: number) =>
  new ApiError('MALFORMED_CSV', `The file is not UTF-8 text (a byte near ${at} is not UTF-8: a binary file, or text in another encoding; save it as UTF-8 CSV).`, '(body)');

/** The guard in front of the parser. */
function guard(limits: ReadLimits, lines: Lines, onBytes?: (total: number) => void): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  // the header's commas are counted before csv-parse sees them: it takes a second over a header of 10,000 names
  let headerCommas = 0;
  let inHeader = true;
  return new Transform({
    transform(chunk: Buffer | string, _enc, done: TransformCallback) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (limits.maxBytes !== null && total + buf.length > limits.maxBytes) {
        return done(new ApiError('BODY_TOO_LARGE', `The file is larger than ${limits.maxBytes} bytes; split it.`, '(body)', { limit: limits.maxBytes }));
      }
      const nul = buf.indexOf(0);
      if (nul >= 0) return done(new ApiError('MALFORMED_CSV', `The file holds a NUL byte at byte ${total + nul}: it is binary, not CSV text.`, '(body)'));
      try {
        decoder.decode(buf, { stream: true });
      } catch {
        return done(utf8Refusal(total));
      }
      if (inHeader) {
        const nl = buf.indexOf(10);
        const head = nl < 0 ? buf : buf.subarray(0, nl);
        for (let i = head.indexOf(44); i >= 0; i = head.indexOf(44, i + 1)) headerCommas++;
        if (headerCommas >= limits.maxColumns) return done(new ApiError('MALFORMED_CSV', `The header has more than ${limits.maxColumns} columns; at most ${limits.maxColumns} are read.`, 'line 1', { line: 1 }));
        if (nl >= 0) inHeader = false;
      }
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lines.note(total + i);
      total += buf.length;
      onBytes?.(total);
      done(null, buf);
    },
    flush(done) {
      try {
        decoder.decode();
      } catch {
        return done(utf8Refusal(total));
      }
      done();
    },
  });
}

/** What a csv-parse error means for the person who sent the file. */
function refusal(e: CsvError, line: number, limits: ReadLimits): ApiError {
  const at = `line ${line}`;
  switch (e.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new ApiError('MALFORMED_CSV', `The record at ${at} is longer than ${limits.maxRecordBytes} bytes (a cell that large is not an event).`, at, { line });
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ApiError('MALFORMED_CSV', `A quote opened at ${at} or after is never closed.`, at, { line });
    default:
      return new ApiError('MALFORMED_CSV', `The CSV cannot be read at ${at}: ${e.message.replace(/ at line \d+.*$/, '')}.`, at, { line });
  }
}

/**
 * The records of a CSV stream, the header first, each with the line it starts on. Throws an
 * ApiError (MALFORMED_CSV, BODY_TOO_LARGE) for what cannot be read at all; records of another
 * width than the header are given as they are (the caller refuses them, one by one).
 */
export async function* readCsv(input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream, limits: ReadLimits, onBytes?: (total: number) => void): AsyncGenerator<CsvRecord> {
  const lines = new Lines();
  let next = 1; // the line after the last record parsed: where one that fails starts (blank lines aside)
  // each record's line is worked out as it is parsed (in order, after the guard noted its bytes' line ends)
  const onRecord = (record: string[], info: { bytes: number }): CsvRecord => {
    const end = lines.countBefore(info.bytes - 1) + 1;
    let inside = 0;
    for (const c of record) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) inside++;
    next = end + 1;
    return { line: end - inside, cells: record };
  };
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRecordBytes,
    on_record: (r: { record: string[]; info: { bytes: number } }) => onRecord(r.record, r.info),
  } as never);
  const piping = pipeline(input as AsyncIterable<Buffer>, guard(limits, lines, onBytes), parser);
  let failure: unknown = null;
  piping.catch((e) => (failure ??= e));
  let first = true;
  try {
    for await (const r of parser as AsyncIterable<CsvRecord>) {
      if (first) {
        first = false;
        if (r.cells.length > limits.maxColumns) throw new ApiError('MALFORMED_CSV', `The header has ${r.cells.length} columns; at most ${limits.maxColumns} are read.`, 'line 1', { line: 1 });
      }
      yield r;
    }
    await piping;
  } catch (e) {
    const cause = failure ?? e;
    if (cause instanceof ApiError) throw cause;
    if (cause instanceof CsvError) throw refusal(cause, next, limits);
    throw cause;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  if (first) throw new ApiError('MALFORMED_CSV', 'The file is empty: it has no header and no rows.', '(body)');
}
