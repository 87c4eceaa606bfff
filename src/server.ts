// Starts truce: database, first admin, demo data if asked, HTTP; stops cleanly on a signal.
// Background jobs are the app's (src/jobs.ts): they start when it is ready and stop when it closes.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './auth/bootstrap.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { openDb } from './db/open.ts';
import { seedDemo } from './demo/syria2016.ts';
import { seedDemoMap } from './demo/syria2016-map.ts';
import { seedDemoReports } from './demo/syria2016-reports.ts';
import { seedDemoAid } from './demo/syria2016-aid.ts';
import { loadLedgerKey } from './ledger/keys.ts';
import { useLedgerKey } from './ledger/ledger.ts';

export interface Running {
  app: FastifyInstance;
  db: Db;
  url: string;
  /** Stops accepting, lets requests in flight finish (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

export async function start(config: Config, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<Running> {
  const ledgerKey = loadLedgerKey(config);
  const db = useLedgerKey(await openDb(config), ledgerKey);
  let app: FastifyInstance | undefined;
  try {
    const generated = await ensureFirstAdmin(db, config.adminToken);
    if (generated) {
      out(`First start: the admin token is ${generated}`);
      out('It is shown only this once; keep it safe (or set TRUCE_ADMIN_TOKEN).');
    }
    if (config.demo) {
      const parties = await seedDemo(db);
      const map = await seedDemoMap(db, config);
      const reports = await seedDemoReports(db, config); // illustrative reports and claims of the first week
      const aid = await seedDemoAid(db, config); // the UN's besieged areas of January 2016, illustrative convoys
      if (parties.created || map.created || reports.created || aid.created) out('Loaded the Syria 2016 demo scenario.');
    }
    app = await buildApp({ db, config, ledgerKey });
    await app.listen({ host: config.host, port: config.port }); // ready first: the jobs' first runs are done
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
        await app!.close(); // waits for requests in flight, then stops the jobs
      } finally {
        clearTimeout(grace);
        await db.close();
      }
    })());
  return { app, db, url, stop };
}
