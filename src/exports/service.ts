// Exports of the incident list, streamed: read page by page (keyset, newest first, as GET
// /api/v1/incidents pages), each page written as soon as it is read, the next one read only when
// the client has taken the last (backpressure). Nothing is held between pages: no database
// connection (each page is one statement on whatever connection is free, on PGlite and PostgreSQL
// alike), no more memory than a page. Bounded per account and in all; a client that stops reading
// is ended after a while; one that goes away stops the export at the next page.
import { Readable } from 'node:stream';
import countries from 'i18n-iso-countries';
import type { Principal } from '../auth/roles.ts';
import type { Db } from '../db/db.ts';
import { stateAt } from '../geo/borders.ts';
import { ApiError } from '../http/errors.ts';
import { incidentFilterOf, incidentPage, viewerOf, type IncidentFilter } from '../incidents/lookup.ts';
import { listParties } from '../parties/lookup.ts';
import { historyFilterOf, historyPage, type HistoryCursor } from '../vetting/lookup.ts';
import { csvRow, csvText, feature, fileName, SPECS, type ExportIncident, type Format, type PartyInfo, type RowContext } from './formats.ts';
import type { ExportQuery, VettingExportQuery } from './schemas.ts';
import { VETTING_CSV_COLUMNS, VETTING_SPECS, vettingCells, vettingFeature, vettingFileName, type ExportVetting, type VettingFormat } from './vetting.ts';

export interface ExportSettings {
  perAccount: number;
  max: number;
  chunkRows: number;
  stallMs: number;
  /** How often a running export checks its caller's credentials again (revoked, signed out: it ends). */
  recheckMs: number;
}

/** The first page is small, so the first rows go out at once; pages then grow to chunkRows. */
export const FIRST_PAGE_ROWS = 100;

interface Running {
  accountId: string;
  format: Format | VettingFormat;
  rows: number;
  startedAt: number;
  /** Since when it has waited for the client to take a page (null while it reads or writes one). */
  waitingSince: number | null;
  end(): void;
  /** Cuts the export short (the server is closing). */
  cancel(): void;
}

/** The exports running on this instance: at most `perAccount` per account and `max` in all. */
export class ExportSlots {
  private readonly running = new Set<Running>();

  constructor(readonly settings: ExportSettings) {}

  /** A place for this account's export, or 429 naming the bound. */
  take(accountId: string, format: Format | VettingFormat): Running {
    const mine = [...this.running].filter((r) => r.accountId === accountId).length;
    if (mine >= this.settings.perAccount) {
      throw new ApiError('TOO_MANY_EXPORTS', `This account has ${mine} exports running on this server, the most it may; wait for one to finish.`, 'Authorization', { limit: this.settings.perAccount });
    }
    if (this.running.size >= this.settings.max) {
      throw new ApiError('TOO_MANY_EXPORTS', 'This server is running as many exports as it allows; try again shortly.', '(request)', { limit: this.settings.max });
    }
    const r: Running = { accountId, format, rows: 0, startedAt: Date.now(), waitingSince: null, end: () => this.running.delete(r), cancel: () => r.end() };
    this.running.add(r);
    return r;
  }

  /** Cuts every running export short (the app is closing: an open download would hold app.close()). */
  cancelAll(): void {
    for (const r of [...this.running]) r.cancel();
  }

  /** What runs now (for tests and operators): account, format, rows written so far. */
  list(): { accountId: string; format: Format | VettingFormat; rows: number; startedAt: number; waitingSince: number | null }[] {
    return [...this.running].map(({ accountId, format, rows, startedAt, waitingSince }) => ({ accountId, format, rows, startedAt, waitingSince }));
  }
}

const slotsByDb = new WeakMap<Db, ExportSlots>();
/** The running exports of the app on this database (one per app). */
export function exportSlots(db: Db, settings?: ExportSettings): ExportSlots {
  let s = slotsByDb.get(db);
  if (!s || (settings && s.settings !== settings)) {
    if (!settings) throw new Error('exportSlots: no settings for a new database');
    s = new ExportSlots(settings);
    slotsByDb.set(db, s);
  }
  return s;
}

// ---- countries and parties: what a row needs beyond the incident

type Country = { iso3: string; name: string; numeric: number | null };
const countryCache = new Map<string, Country | null>();
function countryOfCode(iso3: string | null): Country | null {
  if (!iso3) return null;
  if (!countryCache.has(iso3)) {
    const name = countries.getName(iso3, 'en', { select: 'alias' });
    const numeric = countries.alpha3ToNumeric(iso3);
    countryCache.set(iso3, name ? { iso3, name, numeric: numeric ? Number(numeric) : null } : null);
  }
  return countryCache.get(iso3)!;
}

/**
 * The country of an incident: OCHA P-codes begin with the country's ISO alpha-2 code (SY01 is a
 * governorate of Syria), so an incident with units needs no geometry; one with only a point is
 * placed by the Natural Earth borders (loaded once, on first need: about a second).
 */
export function countryOf(i: ExportIncident): Country | null {
  const adm1 = (i.pcodes.adm1 as { code?: string } | null | undefined)?.code;
  if (adm1 && /^[A-Z]{2}/i.test(adm1)) {
    const c = countryOfCode(countries.alpha2ToAlpha3(adm1.slice(0, 2).toUpperCase()) ?? null);
    if (c) return c;
  }
  if (i.location) return countryOfCode(stateAt(i.location.coordinates[0], i.location.coordinates[1]));
  return null;
}

async function rowContext(db: Db): Promise<RowContext> {
  const parties = new Map<string, PartyInfo>((await listParties(db)).map((p) => [p.id, { name: p.name, kind: p.kind, homeState: p.homeState }]));
  return { party: (id) => parties.get(id), country: countryOf };
}

// ---- the stream

export interface Export {
  format: Format | VettingFormat;
  mediaType: string;
  fileName: string;
  stream: Readable;
}

/** A page of CSV rows (RFC 4180, CRLF line ends; see csvText for why by hand). */
const csv = (rows: (string | number)[][]) => csvText(rows);

/** What one export reads and writes: the text around the rows, and each page as text. */
interface PagedFile<C> {
  head: string;
  tail: string;
  page(after: C | undefined, limit: number): Promise<{ items: unknown[]; next: C | null }>;
  /** A page's rows as text; `first`: no page was written before it. */
  text(items: unknown[], first: boolean): string;
}

/**
 * The stream of a file, read page by page as the client reads it, in the place `slot` holds (freed
 * when the stream ends, however it ends). The caller's credentials are checked again every
 * recheckMs; a client that takes no page for stallMs is cut off.
 */
function streamPages<C>(slot: Running, settings: ExportSettings, p: Principal, recheck: () => Promise<Principal | null>, file: PagedFile<C>): Readable {
  let stall: NodeJS.Timeout | undefined;
  let stream: Readable | null = null;
  const gen = async function* (): AsyncGenerator<string> {
    try {
      yield file.head;
      let after: C | undefined;
      let limit = Math.min(FIRST_PAGE_ROWS, settings.chunkRows);
      let first = true;
      let checked = Date.now();
      for (;;) {
        if (Date.now() - checked >= settings.recheckMs) {
          const again = await recheck();
          if (!again || again.accountId !== p.accountId || again.role !== p.role || again.partyId !== p.partyId) throw new Error('the credentials of the export no longer hold');
          checked = Date.now();
        }
        const page = await file.page(after, limit);
        if (page.items.length) {
          const text = file.text(page.items, first);
          first = false;
          slot.rows += page.items.length;
          // the client has this many seconds to take the page, else the export ends
          stall = setTimeout(() => stream?.destroy(new Error('the client stopped reading')), settings.stallMs);
          slot.waitingSince = Date.now();
          yield text;
          slot.waitingSince = null;
          clearTimeout(stall);
        }
        if (!page.next) break;
        after = page.next;
        limit = Math.min(limit * 4, settings.chunkRows);
      }
      if (file.tail) yield file.tail;
    } finally {
      clearTimeout(stall);
      slot.end();
    }
  };
  // not object mode: the stream holds at most 64 KiB beyond the page being written, then stops pulling
  stream = Readable.from(gen(), { objectMode: false, highWaterMark: 64 * 1024 });
  slot.cancel = () => stream!.destroy(new Error('the server is closing'));
  stream.on('close', () => slot.end()); // destroyed before it started (the client left at once): the place is freed too
  return stream;
}

/** GeoJSON's collection around the features: two constants and a hand-written join (each feature is JSON.stringify'd). */
const GEOJSON_HEAD = '{"type":"FeatureCollection","features":[';
const GEOJSON_TAIL = '\n]}\n';
const featuresText = (features: unknown[], first: boolean) => (first ? '\n' : ',\n') + features.map((f) => JSON.stringify(f)).join(',\n');

/**
 * Starts an export for this caller: its place is taken (429 past the bounds) and the filters
 * checked (400/422 naming the field) before anything is sent; then a stream of the file, read
 * page by page as the client reads it.
 */
export async function startExport(
  db: Db,
  p: Principal,
  q: ExportQuery,
  settings: ExportSettings,
  /** Authenticates the request again: the export ends when it no longer gives the same principal. */
  recheck: () => Promise<Principal | null>,
  now = new Date(),
): Promise<Export> {
  const { format, ...filters } = q;
  const filter: IncidentFilter = incidentFilterOf(filters);
  const slot = exportSlots(db, settings).take(p.accountId, format);
  try {
    const viewer = await viewerOf(db, p);
    const ctx = await rowContext(db);
    const spec = SPECS[format];
    const stream = streamPages<[number, string]>(slot, settings, p, recheck, {
      head: format === 'geojson' ? GEOJSON_HEAD : csv(spec.header),
      tail: format === 'geojson' ? GEOJSON_TAIL : '',
      page: (after, limit) => incidentPage(db, viewer, filter, { after, limit }),
      text: (items, first) => (format === 'geojson' ? featuresText((items as ExportIncident[]).map(feature), first) : csv((items as ExportIncident[]).map((i) => csvRow(spec.cells!(i, ctx))))),
    });
    return { format, mediaType: spec.mediaType, fileName: fileName(format, now), stream };
  } catch (e) {
    slot.end();
    throw e;
  }
}

/**
 * The vetting history as a file (the task force's): exactly the decisions GET /api/v1/vetting
 * gives with the same filters, newest first, as the list shows them. Bounded with the incident
 * exports (the same places per account and in all).
 */
export async function startVettingExport(
  db: Db,
  p: Principal,
  q: VettingExportQuery,
  settings: ExportSettings,
  recheck: () => Promise<Principal | null>,
  now = new Date(),
): Promise<Export> {
  const { format, ...filters } = q;
  const filter = historyFilterOf(filters);
  const slot = exportSlots(db, settings).take(p.accountId, format);
  try {
    const parties = new Map((await listParties(db)).map((x) => [x.id, x.name]));
    const spec = VETTING_SPECS[format];
    const stream = streamPages<HistoryCursor>(slot, settings, p, recheck, {
      head: format === 'geojson' ? GEOJSON_HEAD : csv([[...VETTING_CSV_COLUMNS]]),
      tail: format === 'geojson' ? GEOJSON_TAIL : '',
      page: (after, limit) => historyPage(db, p.role, filter, after, limit),
      text: (items, first) =>
        format === 'geojson' ? featuresText((items as ExportVetting[]).map(vettingFeature), first) : csv((items as ExportVetting[]).map((v) => csvRow(vettingCells(v, (id) => parties.get(id))))),
    });
    return { format, mediaType: spec.mediaType, fileName: vettingFileName(format, now), stream };
  } catch (e) {
    slot.end();
    throw e;
  }
}
