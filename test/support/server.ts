// The real server on 127.0.0.1 (a random port) over a fresh test database with the demo loaded.
import { createAccount } from '../../src/auth/service.ts';
import { SYSTEM, write } from '../../src/ledger/ledger.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { Db } from '../../src/db/db.ts';
import { buildApp } from '../../src/app.ts';
import { ensureFirstAdmin } from '../../src/auth/bootstrap.ts';
import { seedDemo } from '../../src/demo/syria2016.ts';
import { openTestDb } from './db.ts';
import { testConfig } from './app.ts';

export async function startTestServer(): Promise<{
  url: string;
  db: Db;
  close(): Promise<void>;
  createUser(o: { username: string; password: string; role: Role | string; partyId?: string; name?: string; organisation?: string }): Promise<void>;
}> {
  const t = await openTestDb();
  const config = testConfig({ port: 0 });
  await ensureFirstAdmin(t.db, config.adminToken);
  await seedDemo(t.db);
  const app = await buildApp({ db: t.db, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    db: t.db,
    async close() {
      await app.close();
      await t.drop();
    },
    async createUser(o) {
      await write(t.db, SYSTEM, (w) => createAccount(w, { name: o.name ?? o.username, username: o.username, password: o.password, role: o.role as Role, partyId: o.partyId, ...(o.organisation ? { organisation: o.organisation } : {}) }));
    },
  };
}
