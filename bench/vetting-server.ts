// The vetting benchmark's servers, each in a process of its own (bench/vetting.ts forks this):
// the restart is then a real one (modules, reference data and the index read by a new process, as
// after `truce start`), and no server shares its heap or event loop with the benchmark's own data.
// Modes: 'app' (buildApp on a database: PostgreSQL by URL, or PGlite by its data directory, which
// the benchmark has closed) and 'bare' (Fastify, the vetting body schema and a constant answer).
// Talks over the fork's IPC channel: sends {ready}, answers {cmd: 'counts'} and {cmd: 'warmed'}
// (once the app's start-up loads are over: ms since buildApp), stops on {cmd: 'close'}.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';

export interface ServerSpec {
  mode: 'app' | 'bare';
  engine?: string;
  /** PostgreSQL URL, or PGlite data directory. */
  database?: string;
  /** The data directory with the vetting snapshot, when the server reads one. */
  snapshotDir?: string;
  /** Where to write a CPU profile of the server, from before buildApp to close. */
  profile?: string;
}

export interface ServerReady {
  url: string;
  /** Process start → the modules imported (before buildApp). */
  importMs: number;
  /** Opening the database (before buildApp). */
  openMs: number;
  /** buildApp → listening. */
  listenMs: number;
  /** Date.now() when buildApp was called: the parent times the first decision from it. */
  startedAt: number;
}

const spec = JSON.parse(process.env.TRUCE_BENCH_SERVER!) as ServerSpec;
const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

let session: Session | null = null;
if (spec.profile) {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
}

const count = { statements: 0, tx: 0 };
let close: () => Promise<void>;
let warmed: () => Promise<number> = async () => 0;
if (spec.mode === 'bare') {
  const { default: Fastify } = await import('fastify');
  const { makeValidatorCompiler } = await import('../src/http/validation.ts');
  const { VettingCreate } = await import('../src/vetting/schemas.ts');
  const importMs = performance.now();
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(makeValidatorCompiler());
  app.post('/api/v1/vetting', { schema: { body: VettingCreate } }, async (_req, reply) => reply.code(201).send({ decision: 'permitted', reasons: [] }));
  const startedAt = Date.now();
  const t0 = performance.now();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  close = () => app.close();
  await send({ ready: { url: `http://127.0.0.1:${port}`, importMs, openMs: 0, listenMs: performance.now() - t0, startedAt } satisfies ServerReady });
} else {
  const { buildApp } = await import('../src/app.ts');
  const { openPglite } = await import('../src/db/pglite.ts');
  const { openPostgres } = await import('../src/db/postgres.ts');
  const { benchConfig } = await import('./vetting-load.ts');
  type Db = import('../src/db/db.ts').Db;
  type Queryable = import('../src/db/db.ts').Queryable;
  const importMs = performance.now();
  const db: Db = spec.engine === 'pglite' ? await openPglite({ dataDir: spec.database! }) : await openPostgres(spec.database!, 10);
  const openMs = performance.now() - importMs;
  // counting statements and transactions (SQL per decision)
  const counted = (x: Queryable): Queryable => ({
    query: (sql, params) => (count.statements++, x.query(sql, params)),
    exec: (sql) => (count.statements++, x.exec(sql)),
  });
  const served: Db = { engine: db.engine, ...counted(db), tx: (fn) => (count.tx++, db.tx((q) => fn(counted(q)))), close: () => db.close() };
  const config = benchConfig(spec.snapshotDir ? { dataDir: spec.snapshotDir, vettingSnapshot: true } : {});
  // the restart is timed from building the app: what listen waits for (its jobs) counts too
  const startedAt = Date.now();
  const t0 = performance.now();
  const app = await buildApp({ db: served, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const listenMs = performance.now() - t0;
  const port = (app.server.address() as { port: number }).port;
  warmed = async () => (await app.jobs.warmed(), Date.now() - startedAt);
  close = async () => {
    await app.close();
    await db.close();
  };
  await send({ ready: { url: `http://127.0.0.1:${port}`, importMs, openMs, listenMs, startedAt } satisfies ServerReady });
}

process.on('message', async (m: { cmd: string }) => {
  if (m.cmd === 'counts') await send({ counts: { ...count } });
  if (m.cmd === 'warmed') await send({ warmed: await warmed() });
  if (m.cmd === 'close') {
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(spec.profile!, JSON.stringify(profile));
      session.disconnect();
    }
    await close();
    await send({ closed: true });
    process.exit(0);
  }
});
