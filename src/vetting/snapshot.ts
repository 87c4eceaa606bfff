// The vetting index on disk, so that a restart decides within seconds instead of reading and
// preparing every territory again (issue 12: 24 s at a country's front-line detail). One file:
// a header (JSON) naming the ledger size it was made at and that size's root hash, then every
// prepared territory part's typed arrays as they are in memory, then an HMAC-SHA256 over all of
// it with a key derived from the database's vetting secret. Loading maps the arrays straight
// back (no parsing, no preparing); the holder then checks the root against the ledger and reads
// only what the leaves since that size name. A file that fails any check is ignored.
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EdgeSetParts } from '../geo/shapes.ts';
import { PreparedArea } from '../geo/shapes.ts';
import type { CorridorData, PartyData, SiteData, TerritoryData } from './model.ts';

const MAGIC = Buffer.from('TRUCEVX1');
const MAC_BYTES = 32;

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
  return createHmac('sha256', secret).update('truce vetting index snapshot v1').digest();
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
  const mac = createHmac('sha256', key);
  mac.update(head);
  for (const c of chunks) mac.update(c);
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

/** The whole file in one SharedArrayBuffer (a Buffer over it, at offset 0). */
function readShared(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.from(new SharedArrayBuffer(size));
    for (let off = 0; off < size; ) {
      const n = fs.readSync(fd, buf, off, Math.min(size - off, 1 << 30), off);
      if (n <= 0) throw new Error('the file ended early');
      off += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and checks the seal; the root is left to the caller to check against the ledger. */
export function readSnapshot(file: string, key: Uint8Array): IndexData {
  let buf: Buffer;
  try {
    buf = readShared(file);
  } catch (e) {
    throw new SnapshotRefused(`no snapshot (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (buf.length < MAGIC.length + 8 + MAC_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotRefused('not a vetting index snapshot');
  const body = buf.subarray(0, buf.length - MAC_BYTES);
  const mac = createHmac('sha256', key).update(body).digest();
  if (!timingSafeEqual(mac, buf.subarray(buf.length - MAC_BYTES))) throw new SnapshotRefused('the seal does not match (another database, or the file was changed)');
  const hlen = Number(buf.readBigUInt64LE(MAGIC.length));
  const h = JSON.parse(buf.toString('utf8', MAGIC.length + 8, MAGIC.length + 8 + hlen));
  // views straight into the file's shared buffer (offset 0, so the 8-aligned arrays stay aligned):
  // the index's parts are shared memory, which clipping workers read without a copy
  const data = buf.buffer;
  const at = pad8(MAGIC.length + 8 + hlen);
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
