// The vetting index on disk, so that a restart decides within seconds instead of reading and
// preparing every territory again (issue 12: 24 s at a country's front-line detail). One file:
// a sealed prefix (the header as JSON, naming the ledger size it was made at and that size's root
// hash, and the SHA-256 of each 256 KiB chunk of the arrays), then every prepared territory part's
// typed arrays as they are in memory. The seal is an HMAC-SHA256, with a key derived from the
// database's vetting secret, over the prefix. Reading the prefix and checking its seal is enough to
// build the index: the arrays (half a gigabyte at full size, where this machine faults fresh
// memory in at ~330 MB/s) are read into shared memory chunk by chunk, each checked against its
// sealed digest before it is used: by two threads in the background, and by the event loop for the
// parts a decision meets before the threads got there (`ensureLoaded`). The holder checks the root
// against the ledger and reads only what the leaves since that size name. A file that fails any
// check is dropped and the index comes from the database.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EdgeSetParts, Position } from '../geo/shapes.ts';
import { PreparedArea } from '../geo/shapes.ts';
import type { CorridorData, PartyData, SiteData, TerritoryData } from './model.ts';

const MAGIC = Buffer.from('TRUCEVX4');
const MAC_BYTES = 32;
const DIGEST_BYTES = 32;
/** MAGIC, the seal, the header's length and the arrays' length. */
const FIXED = MAGIC.length + MAC_BYTES + 16;
/** The arrays are checked in chunks of this size (the last one shorter): what a decision reads first. */
const CHUNK = 256 << 10;
/** Threads that read and check the chunks in the background (the machines this runs on have two cores or more). */
const READERS = 2;
/** A chunk's state in the shared state array; its last slot set to 1 tells the threads to stop. */
const UNREAD = 0;
const READING = 1;
const READ = 2;
const FAILED = 3;

export interface IndexData {
  /** The ledger size the data is as of, and the root hash of the log at that size. */
  version: number;
  root: Uint8Array;
  /** Without coordinates: the parts hold them. */
  territories: { row: TerritoryData; parts: PreparedArea[] }[];
  sites: SiteData[];
  corridors: CorridorData[];
  parties: PartyData[];
}

/** The key the file is sealed with: from the vetting secret, for this use only. */
export function snapshotKey(secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update('truce vetting index snapshot v4').digest();
}

type ArrayName = 'xy' | 'start' | 'firstVertex' | 'cellStart' | 'cellEdges' | 'ref' | 'rowY';
const ARRAYS: { name: ArrayName; make: (b: ArrayBufferLike, off: number, n: number) => ArrayLike<number> & { byteLength: number } }[] = [
  { name: 'xy', make: (b, o, n) => new Float64Array(b, o, n) },
  { name: 'start', make: (b, o, n) => new Int32Array(b, o, n) },
  { name: 'firstVertex', make: (b, o, n) => new Int32Array(b, o, n) },
  { name: 'cellStart', make: (b, o, n) => new Int32Array(b, o, n) },
  { name: 'cellEdges', make: (b, o, n) => new Int32Array(b, o, n) },
  { name: 'ref', make: (b, o, n) => new Uint8Array(b, o, n) },
  { name: 'rowY', make: (b, o, n) => new Float64Array(b, o, n) },
];

const arrayOf = (p: EdgeSetParts, name: ArrayName): Float64Array | Int32Array | Uint8Array =>
  name === 'cellStart' || name === 'cellEdges' || name === 'ref' || name === 'rowY' ? p.grid[name] : p[name];

const pad8 = (n: number) => (n + 7) & ~7;

/** Writes the file (to a temporary name, then renamed over the old one: a reader sees one or the other). */
export async function writeSnapshot(file: string, key: Uint8Array, d: IndexData): Promise<{ bytes: number }> {
  let offset = 0;
  const chunks: Uint8Array[] = [];
  const territories = d.territories.map(({ row, parts }) => ({
    ...row,
    polygons: [],
    parts: parts.map((area) => {
      const p = area.parts();
      const at: Record<string, [number, number]> = {};
      for (const { name } of ARRAYS) {
        const a = arrayOf(p, name);
        at[name] = [offset, a.length];
        const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        chunks.push(bytes);
        const padded = pad8(a.byteLength);
        if (padded > a.byteLength) chunks.push(new Uint8Array(padded - a.byteLength));
        offset += padded;
      }
      const { x0, y0, cw, ch, nx, ny } = p.grid;
      return { vbox: p.vbox, abox: p.abox, bulge: p.bulge, grid: { x0, y0, cw, ch, nx, ny }, at };
    }),
  }));
  const header = Buffer.from(JSON.stringify({ version: d.version, root: Buffer.from(d.root).toString('hex'), territories, sites: siteColumns(d.sites), corridors: d.corridors, parties: d.parties }));
  const digests = chunkDigests(chunks);
  const prefix = Buffer.alloc(pad8(FIXED + digests.length * DIGEST_BYTES + header.length));
  MAGIC.copy(prefix, 0);
  prefix.writeBigUInt64LE(BigInt(header.length), MAGIC.length + MAC_BYTES);
  prefix.writeBigUInt64LE(BigInt(offset), MAGIC.length + MAC_BYTES + 8);
  digests.forEach((g, k) => g.copy(prefix, FIXED + k * DIGEST_BYTES));
  header.copy(prefix, FIXED + digests.length * DIGEST_BYTES);
  createHmac('sha256', key).update(prefix.subarray(MAGIC.length + MAC_BYTES)).digest().copy(prefix, MAGIC.length);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    // a few hundred chunks a call: writev's limit is the system's IOV_MAX
    await fh.write(prefix);
    for (let i = 0; i < chunks.length; i += 512) await fh.writev(chunks.slice(i, i + 512));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  return { bytes: prefix.length + offset };
}

/** Why a file was not used. */
export class SnapshotRefused extends Error {}

const notASnapshot = () => new SnapshotRefused('not a vetting index snapshot');

/** SHA-256 of each CHUNK bytes of the concatenated arrays. */
function chunkDigests(arrays: Uint8Array[]): Buffer[] {
  const out: Buffer[] = [];
  let h = createHash('sha256');
  let filled = 0;
  for (const a of arrays) {
    for (let off = 0; off < a.length; ) {
      const n = Math.min(a.length - off, CHUNK - filled);
      h.update(a.subarray(off, off + n));
      off += n;
      filled += n;
      if (filled === CHUNK) {
        out.push(h.digest());
        h = createHash('sha256');
        filled = 0;
      }
    }
  }
  if (filled) out.push(h.digest());
  return out;
}

// A reader thread: takes each of its chunks nobody has taken (the event loop may have read it for
// a decision), reads it into the shared buffer and checks it against its sealed digest. Plain
// CommonJS (no TypeScript to load): it starts in a few milliseconds. The twin of Lazy.read.
const READER = `
const { workerData: { file, sab, stateSab, digests, base, chunk, step, first }, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.from(sab);
const state = new Int32Array(stateSab);
const sealed = Buffer.from(digests);
const n = state.length - 1;
const fd = fs.openSync(file, 'r');
try {
  for (let k = first; k < n && Atomics.load(state, n) === 0; k += step) {
    if (Atomics.compareExchange(state, k, ${UNREAD}, ${READING}) !== ${UNREAD}) continue;
    const at = k * chunk;
    const end = Math.min(buf.length, at + chunk);
    let ok = true;
    for (let off = at; off < end; ) {
      const got = fs.readSync(fd, buf, off, end - off, base + off);
      if (got <= 0) { ok = false; break; }
      off += got;
    }
    ok = ok && createHash('sha256').update(buf.subarray(at, end)).digest().equals(sealed.subarray(k * 32, k * 32 + 32));
    Atomics.store(state, k, ok ? ${READ} : ${FAILED});
    Atomics.notify(state, k);
    if (!ok) { Atomics.store(state, n, 1); parentPort.postMessage({ failed: k }); break; }
  }
} finally {
  fs.closeSync(fd);
}
`;

/** What is left of reading a snapshot's arrays: the chunks not yet read and checked. */
export interface Loading {
  /** Settles once every chunk is read and checked; rejects (SnapshotRefused) on the first that is not. */
  readonly all: Promise<void>;
  /** Starts the background threads (readSnapshot does unless told not to). */
  background(): void;
  /** Stops reading (a file not used after all): `all` rejects. */
  drop(why: string): void;
}

/** Parts whose arrays are still being read: the file they come from and their bytes in its arrays. */
const pending = new WeakMap<PreparedArea, { lazy: Lazy; from: number; to: number }>();
/** Files still being read, or failed: while none is, ensureLoaded costs nothing. */
let reading = 0;

class Lazy implements Loading {
  readonly all: Promise<void>;
  private readonly state: Int32Array;
  private settle!: (why: string | null, used?: boolean) => void;
  private fd: number | null = null;
  private started = false;
  private done = false;
  private failure: string | null = null;

  constructor(
    private readonly file: string,
    private readonly buf: Buffer,
    private readonly base: number,
    private readonly digests: Buffer,
  ) {
    const n = Math.ceil(buf.length / CHUNK);
    this.state = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
    reading++;
    this.all = new Promise<void>((resolve, reject) => {
      this.settle = (why, used = true) => {
        if (this.done) return;
        this.done = true;
        // a file that failed a check stays counted: its parts (in an index not yet replaced) must keep refusing
        if (why === null || !used) reading--;
        Atomics.store(this.state, n, 1);
        if (this.fd !== null) fs.closeSync(this.fd);
        this.fd = null;
        if (why === null) resolve();
        else reject(new SnapshotRefused((this.failure = why)));
      };
    });
    this.all.catch(() => {}); // the holder listens; an unheard failure must not end the process
    if (!n) this.settle(null);
  }

  /** The chunks of bytes [from, to) of the arrays read and checked, on this thread where no one has; throws SnapshotRefused. */
  ensure(from: number, to: number): void {
    if (this.failure) throw new SnapshotRefused(this.failure);
    for (let k = Math.floor(from / CHUNK); k * CHUNK < to; k++) {
      let s = Atomics.compareExchange(this.state, k, UNREAD, READING);
      if (s === UNREAD) s = this.read(k);
      // a thread has it: a 256 KiB read takes a millisecond or two
      while (s === READING) {
        Atomics.wait(this.state, k, READING, 100);
        s = Atomics.load(this.state, k);
      }
      if (s !== READ) {
        this.settle(`chunk ${k} of the file does not match its sealed digest`);
        throw new SnapshotRefused(this.failure!);
      }
    }
  }

  private read(k: number): number {
    const at = k * CHUNK;
    const end = Math.min(this.buf.length, at + CHUNK);
    let ok = true;
    try {
      this.fd ??= fs.openSync(this.file, 'r');
      for (let off = at; off < end; ) {
        const got = fs.readSync(this.fd, this.buf, off, end - off, this.base + off);
        if (got <= 0) throw new Error('the file ended early');
        off += got;
      }
      ok = createHash('sha256').update(this.buf.subarray(at, end)).digest().equals(this.digests.subarray(k * DIGEST_BYTES, (k + 1) * DIGEST_BYTES));
    } catch {
      ok = false;
    }
    Atomics.store(this.state, k, ok ? READ : FAILED);
    Atomics.notify(this.state, k);
    return ok ? READ : FAILED;
  }

  drop(why: string): void {
    this.settle(why, false);
  }

  background(): void {
    if (this.started || this.done) return;
    this.started = true;
    const n = this.state.length - 1;
    const threads = Math.min(READERS, n);
    // the digests as an ArrayBuffer of their own: a view would carry the whole prefix over
    const digests = this.digests.buffer.slice(this.digests.byteOffset, this.digests.byteOffset + this.digests.length);
    const workerData = { file: this.file, sab: this.buf.buffer, stateSab: this.state.buffer, digests, base: this.base, chunk: CHUNK, step: threads };
    let left = threads;
    for (let first = 0; first < threads; first++) {
      const w = new Worker(READER, { eval: true, workerData: { ...workerData, first } });
      w.on('message', (m: { failed: number }) => this.settle(`chunk ${m.failed} of the file does not match its sealed digest`));
      w.on('error', (e) => this.settle(`not read (${e.message})`));
      w.on('exit', () => {
        if (--left) return;
        for (let k = 0; k < n; k++) if (Atomics.load(this.state, k) !== READ) return this.settle(this.failure ?? `chunk ${k} of the file was not read`);
        this.settle(null);
      });
    }
  }
}

/**
 * Every part's arrays read and checked before a decision reads them (a few chunks for the parts
 * a target meets, while the background threads have not read them yet); throws SnapshotRefused
 * when one fails its check. Nothing to do once every file is read.
 */
export function ensureLoaded(areas: () => Iterable<PreparedArea>): void {
  if (!reading) return;
  for (const a of areas()) {
    const p = pending.get(a);
    if (p) p.lazy.ensure(p.from, p.to);
  }
}

/**
 * The sites as columns (a point's position in `xy`, an area's rings in `areas` by index): at full
 * size 100,000 objects of seven fields and a geometry each were most of the header, and parsing
 * them most of reading it.
 */
interface SiteColumns {
  id: string[];
  kind: string[];
  name: string[];
  bufferM: number[];
  validFrom: number[];
  validTo: (number | null)[];
  xy: (number | null)[];
  areas: [number, Position[][]][];
}

function siteColumns(sites: SiteData[]): SiteColumns {
  const c: SiteColumns = { id: [], kind: [], name: [], bufferM: [], validFrom: [], validTo: [], xy: [], areas: [] };
  sites.forEach((x, i) => {
    c.id.push(x.id);
    c.kind.push(x.kind);
    c.name.push(x.name);
    c.bufferM.push(x.bufferM);
    c.validFrom.push(x.validFrom);
    c.validTo.push(x.validTo);
    if (x.geometry.type === 'Point') c.xy.push(x.geometry.coordinates[0], x.geometry.coordinates[1]);
    else {
      c.xy.push(null, null);
      c.areas.push([i, x.geometry.coordinates]);
    }
  });
  return c;
}

function sitesFrom(c: SiteColumns): SiteData[] {
  const areas = new Map(c.areas);
  const out: SiteData[] = new Array(c.id.length);
  for (let i = 0; i < c.id.length; i++) {
    const rings = areas.get(i);
    out[i] = {
      id: c.id[i],
      kind: c.kind[i] as SiteData['kind'],
      name: c.name[i],
      geometry: rings ? { type: 'Polygon', coordinates: rings } : { type: 'Point', coordinates: [c.xy[2 * i]!, c.xy[2 * i + 1]!] },
      bufferM: c.bufferM[i],
      validFrom: c.validFrom[i],
      validTo: c.validTo[i],
    };
  }
  return out;
}

/**
 * Reads the prefix and checks its seal; the arrays are read as they are needed and in the
 * background (`loading`). The root is left to the caller to check against the ledger.
 */
export async function readSnapshot(file: string, key: Uint8Array, opts: { background?: boolean } = {}): Promise<IndexData & { loading: Loading }> {
  let prefix: Buffer;
  let hlen: number;
  let alen: number;
  let n: number;
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      if (size < FIXED) throw notASnapshot();
      const fixed = Buffer.alloc(FIXED);
      await fh.read(fixed, 0, FIXED, 0);
      if (!fixed.subarray(0, MAGIC.length).equals(MAGIC)) throw notASnapshot();
      hlen = Number(fixed.readBigUInt64LE(MAGIC.length + MAC_BYTES));
      alen = Number(fixed.readBigUInt64LE(MAGIC.length + MAC_BYTES + 8));
      n = Math.ceil(alen / CHUNK);
      // the lengths must account for the file exactly before anything is allocated from them
      if (!(hlen <= size && alen <= size && alen % 8 === 0 && pad8(FIXED + n * DIGEST_BYTES + hlen) + alen === size)) throw notASnapshot();
      prefix = Buffer.alloc(size - alen);
      await fh.read(prefix, 0, prefix.length, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof SnapshotRefused) throw e;
    throw new SnapshotRefused(`no snapshot (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const mac = createHmac('sha256', key).update(prefix.subarray(MAGIC.length + MAC_BYTES)).digest();
  if (!timingSafeEqual(mac, prefix.subarray(MAGIC.length, MAGIC.length + MAC_BYTES))) throw new SnapshotRefused('the seal does not match (another database, or the file was changed)');
  const digests = prefix.subarray(FIXED, FIXED + n * DIGEST_BYTES);
  const h = JSON.parse(prefix.toString('utf8', FIXED + n * DIGEST_BYTES, FIXED + n * DIGEST_BYTES + hlen));
  // the arrays in one shared buffer (offset 0, so the 8-aligned arrays stay aligned), untouched
  // until read: the index's parts are views into it, which clipping workers read without a copy
  const buf = Buffer.from(new SharedArrayBuffer(alen));
  const lazy = new Lazy(file, buf, prefix.length, digests);
  const data = buf.buffer;
  const territories = (h.territories as (TerritoryData & { parts: { vbox: EdgeSetParts['vbox']; abox: EdgeSetParts['abox']; bulge: number; grid: Omit<EdgeSetParts['grid'], ArrayName>; at: Record<ArrayName, [number, number]> }[] })[]).map(
    ({ parts, ...row }) => ({
      row,
      parts: parts.map((p) => {
        const a = Object.fromEntries(ARRAYS.map(({ name, make }) => [name, make(data, p.at[name][0], p.at[name][1])])) as unknown as Record<ArrayName, never>;
        const area = PreparedArea.fromParts({
          xy: a.xy,
          start: a.start,
          firstVertex: a.firstVertex,
          vbox: p.vbox,
          abox: p.abox,
          bulge: p.bulge,
          grid: { ...p.grid, cellStart: a.cellStart, cellEdges: a.cellEdges, ref: a.ref, rowY: a.rowY },
        });
        // a part's arrays lie one after another in the file, xy first and rowY last
        const last = ARRAYS[ARRAYS.length - 1].name;
        pending.set(area, { lazy, from: p.at.xy[0], to: (a[last] as unknown as ArrayBufferView).byteOffset + (a[last] as unknown as ArrayBufferView).byteLength });
        return area;
      }),
    }),
  );
  const parties = (h.parties as PartyData[]).map((p) => ({
    ...p,
    designations: p.designations.map((x) => ({ ...x, since: x.since ? new Date(x.since) : null })),
    events: p.events.map((x) => ({ ...x, at: new Date(x.at) })),
  }));
  if (opts.background ?? true) lazy.background();
  return { version: h.version, root: Buffer.from(h.root, 'hex'), territories, sites: sitesFrom(h.sites), corridors: h.corridors, parties, loading: lazy };
}
