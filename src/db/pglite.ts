import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { FatalError, type Db, type Queryable } from './db.ts';
import { makeFolder } from './folder.ts';
import { parseTimestamp, TIMESTAMP, TIMESTAMPTZ } from './types.ts';

// int8 (counts, sequence numbers) as JS numbers on both engines; values stay far below 2^53.
// Times through one parser on both engines (src/db/types.ts says why).
const parsers = { 20: (v: string) => Number(v), [TIMESTAMPTZ]: parseTimestamp, [TIMESTAMP]: parseTimestamp };

function wrap(q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable {
  return {
    async query(sql, params) {
      return (await q.query(sql, params as any[])).rows as any;
    },
    async exec(sql) {
      await q.exec(sql);
    },
  };
}

/**
 * PGlite keeps no lock of its own and two processes on one folder corrupt it: hold a pid
 * file for as long as the database is open (hand-written: a few lines, and the stale-pid
 * check needs process.kill which lock libraries do not do).
 */
const held = new Set<string>(); // data folders this process holds open

/** Is the pid file's process a live truce (node) process? A reused pid (after a crash in a container) is not. */
function holder(pid: number, dir: string): boolean {
  if (pid === process.pid) return held.has(dir);
  if (!alive(pid)) return false;
  try {
    return /node|truce/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc to ask: assume it is
  }
}

function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'truce.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(dir);
      return () => {
        held.delete(dir);
        fs.rmSync(file, { force: true });
      };
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && holder(pid, dir)) {
        throw new FatalError(`The data folder ${dir} is in use by another process (pid ${pid}); stop it or choose another TRUCE_DATA_DIR.`);
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new FatalError(`Could not lock the data folder ${dir}.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

export interface PgliteOptions {
  /** Folder on disk; omitted for an in-memory database (tests). */
  dataDir?: string;
  /** A dumpDataDir() snapshot to start from (tests clone a migrated template). */
  loadDataDir?: Blob;
}

export async function openPglite(opts: PgliteOptions): Promise<Db> {
  let unlock = () => {};
  if (opts.dataDir) {
    makeFolder(opts.dataDir);
    unlock = lockDataDir(opts.dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: opts.dataDir,
      loadDataDir: opts.loadDataDir,
      extensions: { postgis },
      parsers,
    });
  } catch (e) {
    unlock();
    throw new FatalError(`Could not open the embedded database in ${opts.dataDir ?? 'memory'}: ${(e as Error).message}`);
  }
  const base = wrap(pg);
  let closed = false;
  return {
    engine: 'pglite',
    ...base,
    tx: (fn) => pg.transaction((t) => fn(wrap(t))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
    // exposed for the test template (dumpDataDir)
    ...({ pglite: pg } as object),
  };
}

export function pgliteOf(db: Db): PGlite | undefined {
  return (db as any).pglite;
}
