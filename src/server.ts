// Starts truce: database, first admin, demo data if asked, HTTP; stops cleanly on a signal.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './auth/bootstrap.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { openDb } from './db/open.ts';
import { seedDemo } from './demo/syria2016.ts';

export interface Running {
  app: FastifyInstance;
  db: Db;
  url: string;
  /** Stops accepting, lets requests in flight finish (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

export async function start(config: Config, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<Running> {
  const db = await openDb(config);
  let app: FastifyInstance | undefined;
  try {
    const generated = await ensureFirstAdmin(db, config.adminToken);
    if (generated) {
      out(`First start: the admin token is ${generated}`);
      out('It is shown only this once; keep it safe (or set TRUCE_ADMIN_TOKEN).');
    }
    if (config.demo && (await seedDemo(db)).created) out('Loaded the Syria 2016 demo scenario.');
    app = await buildApp({ db, config });
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app?.close().catch(() => {});
    await db.close();
    throw e;
  }
  const addr = app.server.address();
  const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const grace = setTimeout(() => app!.server.closeAllConnections(), config.shutdownGraceS * 1000);
      try {
        await app!.close(); // waits for requests in flight
      } finally {
        clearTimeout(grace);
        await db.close();
      }
    })());
  return { app, db, url, stop };
}
