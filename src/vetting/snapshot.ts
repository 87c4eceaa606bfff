// The vetting index on disk, so that a restart decides within seconds instead of reading and
// preparing every territory again (issue 12: 24 s at a country's front-line detail). One file:
// a header (JSON) naming the ledger size it was made at and that size's root hash, then every
// prepared territory part's typed arrays as they are in memory, then a seal: an HMAC-SHA256, with
// a key derived from the database's vetting secret, over the header and the SHA-256 of each
// 16 MiB chunk of the arrays. Chunks, so that two threads read and hash the file at once (half a
// gigabyte at full size, where faulting the memory in costs more than the reading): loading maps
// the arrays straight back (no parsing, no preparing), off the event loop; the holder then checks
// the root against the ledger and reads only what the leaves since that size name. A file that
// fails any check is ignored.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EdgeSetParts } from '../geo/shapes.ts';
import { PreparedArea } from '../geo/shapes.ts';
import type { CorridorData, PartyData, SiteData, TerritoryData } from './model.ts';

const MAGIC = Buffer.from('TRUCEVX2');
const MAC_BYTES = 32;
/** The arrays are hashed in chunks of this size (the last one shorter). */
const CHUNK = 16 << 20;
/** Threads that read and hash the chunks (the machines this runs on have two cores or more). */
const READERS = 2;

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
  return createHmac('sha256', secret).update('truce vetting index snapshot v2').digest();
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
  const header = Buffer.from(JSON.stringify({ version: d.version, root: Buffer.from(d.root).toString('hex'), territories, sites: d.sites, corridors: d.corridors, parties: d.parties }));
  const head = Buffer.alloc(pad8(MAGIC.length + 8 + header.length));
  MAGIC.copy(head, 0);
  head.writeBigUInt64LE(BigInt(header.length), MAGIC.length);
  header.copy(head, MAGIC.length + 8);
  const mac = createHmac('sha256', key).update(head);
  for (const d of chunkDigests(chunks)) mac.update(d);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    // a few hundred chunks a call: writev's limit is the system's IOV_MAX
    await fh.write(head);
    for (let i = 0; i < chunks.length; i += 512) await fh.writev(chunks.slice(i, i + 512));
    await fh.write(mac.digest());
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  return { bytes: head.length + offset + MAC_BYTES };
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

// A reader thread: reads its chunks of the file straight into the shared buffer and hashes each.
// Plain CommonJS (no TypeScript to load): it starts in a few milliseconds.
const READER = `
const { workerData: { file, sab, from, to, chunk, step, first }, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.from(sab);
const fd = fs.openSync(file, 'r');
try {
  for (let k = first, at = from + first * chunk; at < to; k += step, at += step * chunk) {
    const end = Math.min(to, at + chunk);
    for (let off = at; off < end; ) {
      const n = fs.readSync(fd, buf, off, end - off, off);
      if (n <= 0) throw new Error('the file ended early');
      off += n;
    }
    parentPort.postMessage({ k, digest: createHash('sha256').update(buf.subarray(at, end)).digest() });
  }
} finally {
  fs.closeSync(fd);
}
`;

/** Reads bytes [from, to) of the file into the shared buffer with READERS threads; the chunks' digests in order. */
async function readChunks(file: string, sab: SharedArrayBuffer, from: number, to: number): Promise<Buffer[]> {
  const count = Math.ceil((to - from) / CHUNK);
  if (!count) return [];
  const digests: Buffer[] = new Array(count);
  const threads = Math.min(READERS, count);
  await Promise.all(
    Array.from({ length: threads }, (_, first) =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(READER, { eval: true, workerData: { file, sab, from, to, chunk: CHUNK, step: threads, first } });
        w.on('message', (m: { k: number; digest: Uint8Array }) => (digests[m.k] = Buffer.from(m.digest)));
        w.on('error', reject);
        w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a reader thread exited with ${code}`))));
      }),
    ),
  );
  for (let k = 0; k < count; k++) if (!digests[k]) throw new Error('a chunk was not read');
  return digests;
}

/**
 * Reads and checks the seal, without blocking the event loop (the arrays are read by threads);
 * the root is left to the caller to check against the ledger.
 */
export async function readSnapshot(file: string, key: Uint8Array): Promise<IndexData> {
  let buf: Buffer;
  let hlen: number;
  let at: number;
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      if (size < MAGIC.length + 8 + MAC_BYTES) throw notASnapshot();
      // the whole file in one shared buffer (offset 0, so the 8-aligned arrays stay aligned): the
      // index's parts are views into it, which clipping workers read without a copy
      buf = Buffer.from(new SharedArrayBuffer(size));
      await fh.read(buf, 0, MAGIC.length + 8, 0);
      if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw notASnapshot();
      hlen = Number(buf.readBigUInt64LE(MAGIC.length));
      at = pad8(MAGIC.length + 8 + hlen);
      if (!(at <= size - MAC_BYTES)) throw notASnapshot();
      await fh.read(buf, MAGIC.length + 8, at - MAGIC.length - 8, MAGIC.length + 8);
      await fh.read(buf, size - MAC_BYTES, MAC_BYTES, size - MAC_BYTES);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof SnapshotRefused) throw e;
    throw new SnapshotRefused(`no snapshot (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let digests: Buffer[];
  try {
    digests = await readChunks(file, buf.buffer as SharedArrayBuffer, at, buf.length - MAC_BYTES);
  } catch (e) {
    throw new SnapshotRefused(`not read (${(e as Error).message})`);
  }
  const mac = createHmac('sha256', key).update(buf.subarray(0, at));
  for (const d of digests) mac.update(d);
  if (!timingSafeEqual(mac.digest(), buf.subarray(buf.length - MAC_BYTES))) throw new SnapshotRefused('the seal does not match (another database, or the file was changed)');
  const h = JSON.parse(buf.toString('utf8', MAGIC.length + 8, MAGIC.length + 8 + hlen));
  const data = buf.buffer;
  const territories = (h.territories as (TerritoryData & { parts: { vbox: EdgeSetParts['vbox']; abox: EdgeSetParts['abox']; bulge: number; grid: Omit<EdgeSetParts['grid'], ArrayName>; at: Record<ArrayName, [number, number]> }[] })[]).map(
    ({ parts, ...row }) => ({
      row,
      parts: parts.map((p) => {
        const a = Object.fromEntries(ARRAYS.map(({ name, make }) => [name, make(data, at + p.at[name][0], p.at[name][1])])) as unknown as Record<ArrayName, never>;
        return PreparedArea.fromParts({
          xy: a.xy,
          start: a.start,
          firstVertex: a.firstVertex,
          vbox: p.vbox,
          abox: p.abox,
          bulge: p.bulge,
          grid: { ...p.grid, cellStart: a.cellStart, cellEdges: a.cellEdges, ref: a.ref, rowY: a.rowY },
        });
      }),
    }),
  );
  const parties = (h.parties as PartyData[]).map((p) => ({
    ...p,
    designations: p.designations.map((x) => ({ ...x, since: x.since ? new Date(x.since) : null })),
    events: p.events.map((x) => ({ ...x, at: new Date(x.at) })),
  }));
  return { version: h.version, root: Buffer.from(h.root, 'hex'), territories, sites: h.sites, corridors: h.corridors, parties };
}
