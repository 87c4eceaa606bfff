// The real app on a real database for route tests (app.inject), with a token per role.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { ensureFirstAdmin } from '../../src/auth/bootstrap.ts';
import type { Role } from '../../src/auth/roles.ts';
import { createServiceToken } from '../../src/auth/service.ts';
import { SYSTEM, write } from '../../src/ledger/ledger.ts';
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/db.ts';
import { DEMO_PARTIES, seedDemo } from '../../src/demo/syria2016.ts';
import { openTestDb } from './db.ts';
import type { Queryable } from '../../src/db/db.ts';
import { verifySnapshot } from '../../src/ledger/verify.ts';

export const ADMIN_TOKEN = 'truce_test-admin-token-0123456789abcdef';
/** One log key per test process, so tests never write a key file into the working folder. */
export const TEST_LEDGER_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const demoId = (key: string) => DEMO_PARTIES.find((p) => p.key === key)!.id;

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  url: string | null;
  tokens: Record<Role, string>;
  /** app.inject with a role's bearer token (or none with role null). */
  call(role: Role | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // no ANALYZE job: it would run as every test app starts (seconds on a busy machine); src/jobs.test.ts turns it on
  // no webhook deliveries either (a test's registrations would be sent to their URLs); src/webhooks/webhooks.test.ts turns them on
  // no vetting index file in ./data; src/vetting/snapshot.test.ts turns it on in a directory of its own
  return loadConfig({}, { logLevel: 'silent', adminToken: ADMIN_TOKEN, ledgerKey: TEST_LEDGER_KEY, analyzeIntervalS: 0, webhookDeliver: false, vettingSnapshot: false, vettingBordersAtStart: false, ...overrides });
}

/** Builds the app on a fresh database with the demo scenario and one token per role. */
export async function testApp(opts: { config?: Partial<Config>; demo?: boolean } = {}): Promise<TestApp> {
  const t = await openTestDb();
  const config = testConfig(opts.config);
  await ensureFirstAdmin(t.db, config.adminToken);
  if (opts.demo !== false) await seedDemo(t.db);
  const tokens = { admin: ADMIN_TOKEN } as Record<Role, string>;
  if (opts.demo !== false) {
    const bind: Partial<Record<Role, string>> = { cochair: demoId('usa'), liaison: demoId('saaf') };
    for (const role of ['cochair', 'secretariat', 'monitor', 'liaison', 'agency', 'analyst', 'public'] as Role[]) {
      const out = await write(t.db, SYSTEM, (w) => createServiceToken(w, { role, name: `test ${role}`, partyId: bind[role] }));
      tokens[role] = out.token;
    }
  }
  const app = await buildApp({ db: t.db, config });
  await app.ready();
  return {
    app,
    db: t.db,
    config,
    url: t.url,
    tokens,
    call: (role, o) => app.inject({ ...o, headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...o.headers } }),
    async close() {
      await app.close();
      await t.drop();
    },
  };
}

/** Counts the rows of the tables a request could change, to prove a refused request changed nothing. */
export async function snapshot(db: Db): Promise<string> {
  // last_used_at moves on every authenticated call; it is bookkeeping, not stored data
  const tables: Record<string, string> = { parties: 'x', terms: 'x', commitments: 'x', accounts: 'x', api_tokens: '(x.id, x.token_hash, x.revoked_at)', sessions: 'x', territories: 'x', sites: 'x', corridors: 'x', vettings: 'x', vetting_flags: 'x', site_events: 'x' };
  // reports and incidents (intake)
  Object.assign(tables, { reports: 'x', idempotency_keys: 'x', incidents: 'x', incident_reports: 'x' });
  // the investigation desk
  Object.assign(tables, { incident_events: 'x', claims: 'x', info_requests: 'x', info_answers: 'x', determinations: 'x', concurrences: 'x' });
  // humanitarian access
  Object.assign(tables, { besieged_areas: 'x', besieged_area_events: 'x', convoys: 'x', convoy_events: 'x' });
  // webhooks (the outbox, the delivery log, the deadline marks and the failure count are the background jobs' bookkeeping)
  Object.assign(tables, { webhooks: '(x.id, x.url, x.events, x.state, x.secret)' });
  const parts = [];
  for (const [t, cols] of Object.entries(tables)) {
    const [r] = await db.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(${cols}::text, ',' ORDER BY ${cols}::text)), '') AS h FROM ${t} x`);
    parts.push(`${t}:${r.n}:${r.h}`);
  }
  return parts.join(' ');
}

export type Agencies = Record<string, { token: string; accountId: string }>;

/** Agency service accounts of the given organisations, by key, added to `into`. */
export async function addAgencies(t: TestApp, into: Agencies, orgs: [key: string, organisation: string][]): Promise<void> {
  for (const [key, organisation] of orgs) {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: `agency ${key}`, role: 'agency', organisation } });
    if (res.statusCode !== 201) throw new Error(`agency ${key}: ${res.statusCode} ${res.body}`);
    into[key] = { token: res.json().token, accountId: res.json().accountId };
  }
}

/** A call as one of those agencies (by key) or as the test account of a role. */
export const callAs = (t: () => TestApp, agencies: Agencies) => (who: Role | string, o: InjectOptions) =>
  who in agencies ? t().app.inject({ ...o, headers: { authorization: `Bearer ${agencies[who].token}`, ...o.headers } }) : t().call(who as Role, o);

/** Tampers inside a transaction, lists the problems `truce verify` then finds, and rolls back. */
export async function problemsAfterTampering(db: Db, publicPem: string, sql: (q: Queryable) => Promise<unknown>): Promise<string[]> {
  let problems: string[] = [];
  await db
    .tx(async (q) => {
      await sql(q);
      problems = (await verifySnapshot(q, publicPem)).findings.map((f) => f.problem);
      throw new Error('roll back');
    })
    .catch((e) => {
      if (e.message !== 'roll back') throw e;
    });
  return problems;
}
