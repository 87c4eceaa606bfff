// Background jobs start with the app and stop with it: the registry on its own, then the app's
// own jobs (signed heads, planner statistics) on the real database.
import { describe, expect, it } from 'vitest';
import { testApp } from '../test/support/app.ts';
import { createServiceToken } from './auth/service.ts';
import type { Db } from './db/db.ts';
import { SYSTEM, write } from './ledger/ledger.ts';
import { Jobs } from './jobs.ts';

/** Timers the process holds (the registry's are ref'd, so they show here). */
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { error: () => {} };

async function until(what: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return true;
    await sleep(20);
  }
  return false;
}

describe('the jobs registry', () => {
  it('runs a periodic job at start and then every interval; stopped, it leaves no timer and never runs again', async () => {
    const jobs = new Jobs(quiet);
    let runs = 0;
    jobs.register({ name: 'tick', everyMs: 20, run: async () => void runs++ });
    await jobs.start();
    expect(runs).toBe(1); // the first run is done before start resolves
    expect(jobs.pendingTimers()).toBe(1);
    await sleep(150);
    expect(runs).toBeGreaterThanOrEqual(3);
    // the process's own count, read in one tick on either side of the clearing (other timers come and go between ticks)
    const before = timeouts();
    const stopping = jobs.stop();
    expect(timeouts()).toBe(before - 1);
    await stopping;
    expect(jobs.pendingTimers()).toBe(0);
    const stoppedAt = runs;
    await sleep(80);
    expect(runs).toBe(stoppedAt);
    expect(jobs.status()).toEqual([{ name: 'tick', runs: stoppedAt, failures: 0, lastError: null, active: false }]);
  });

  it('waits for a run in flight when stopped, and schedules nothing after it', async () => {
    const jobs = new Jobs(quiet);
    let started = 0;
    let finished = 0;
    jobs.register({ name: 'slow', everyMs: 10, atStart: false, run: async () => (started++, await sleep(60), void finished++) });
    await jobs.start();
    expect(started).toBe(0);
    expect(await until(async () => started === 1, 1000)).toBe(true);
    await jobs.stop();
    expect(finished).toBe(1); // stop resolved only once the run had finished
    await sleep(50);
    expect(started).toBe(1);
    expect(jobs.pendingTimers()).toBe(0);
  });

  it('logs and counts a failing run and keeps the schedule', async () => {
    const logged: string[] = [];
    const jobs = new Jobs({ error: (o: any, msg) => void logged.push(`${o.job}: ${msg}`) });
    let n = 0;
    jobs.register({
      name: 'flaky',
      everyMs: 10,
      run: async () => {
        if (n++ === 0) throw new Error('no database');
      },
    });
    await jobs.start(); // the failing first run does not fail the start
    expect(await until(async () => n >= 3, 1000)).toBe(true);
    await jobs.stop();
    const [s] = jobs.status();
    expect(s.failures).toBe(1);
    expect(s.lastError).toBe('no database');
    expect(logged[0]).toBe('flaky: a background job failed');
  });

  it('starts services in the order registered and stops them in reverse; a job that is off never runs', async () => {
    const jobs = new Jobs(quiet);
    const seen: string[] = [];
    const service = (name: string) => ({ name, start: async () => void seen.push(`start ${name}`), stop: async () => void seen.push(`stop ${name}`) });
    jobs.register(service('a'));
    jobs.register({ name: 'off', everyMs: 0, run: async () => void seen.push('off ran') });
    jobs.register(service('b'));
    await jobs.start();
    await jobs.stop();
    await jobs.stop(); // twice is once
    expect(seen).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('refuses a job registered twice or after the start', async () => {
    const jobs = new Jobs(quiet);
    jobs.register({ name: 'x', everyMs: 1000, atStart: false, run: async () => {} });
    expect(() => jobs.register({ name: 'x', everyMs: 1000, run: async () => {} })).toThrow(/twice/);
    await jobs.start();
    expect(() => jobs.register({ name: 'late', everyMs: 1000, run: async () => {} })).toThrow(/while the app is built/);
    await jobs.stop();
    expect(jobs.pendingTimers()).toBe(0);
  });
  it('tells when the start-up loads are over: failed ones count as over, and one added while waiting is waited for too', async () => {
    const jobs = new Jobs(quiet);
    const later = (ms: number, fail = false) => new Promise<void>((resolve, reject) => setTimeout(() => (fail ? reject(new Error('no')) : resolve()), ms));
    let over = false;
    await jobs.warmed(); // none: over at once
    jobs.warm(later(30));
    jobs.warm(later(10, true));
    const waiting = jobs.warmed().then(() => (over = true));
    await sleep(5);
    jobs.warm(later(80)); // registered after warmed() was asked
    await sleep(50);
    expect(over).toBe(false);
    await waiting;
    expect(over).toBe(true);
  });
});

describe("the app's jobs", () => {
  it('sign a head while the log grows, refresh PGlite’s statistics later (not before the first request), and stop when the app closes', { timeout: 120_000 }, async () => {
    const t = await testApp({ config: { ledgerHeadIntervalS: 0.05, analyzeIntervalS: 900 } });
    const size = async () => Number((await t.db.query('SELECT size FROM ledger_state WHERE id = 1'))[0].size);
    const headSize = async () => Number((await t.db.query('SELECT coalesce(max(size), 0) AS s FROM ledger_heads'))[0].s);
    // writes through the app sign their own head; these come as from another process (the CLI), whose writes sign none
    const elsewhere: Db = { engine: t.db.engine, query: (s, p) => t.db.query(s, p), exec: (s) => t.db.exec(s), tx: (fn) => t.db.tx(fn), close: async () => {} };
    try {
      // by the time the app is ready, the log as it stood has a signed head
      expect(await headSize()).toBe(await size());
      const byName = new Map(t.app.jobs.status().map((s) => [s.name, s]));
      expect(byName.get('ledger.signed-heads')).toMatchObject({ active: true, failures: 0 });
      expect(byName.get('db.planner-statistics')).toMatchObject(t.db.engine === 'pglite' ? { active: true, runs: 0, failures: 0 } : { active: false, runs: 0 });

      // the log grows without anyone asking for a head: the job signs one for the new size
      await write(elsewhere, SYSTEM, (w) => createServiceToken(w, { role: 'analyst', name: 'jobs test 1' }));
      const grown = await size();
      expect(await until(async () => (await headSize()) === grown)).toBe(true);

      await t.app.close();
      expect(t.app.jobs.pendingTimers()).toBe(0);
      expect(t.app.jobs.status().every((s) => !s.active)).toBe(true);
      const runs = t.app.jobs.status().map((s) => s.runs);
      await write(elsewhere, SYSTEM, (w) => createServiceToken(w, { role: 'analyst', name: 'jobs test 2' }));
      await sleep(300); // six intervals
      expect(await headSize()).toBe(grown); // nobody signs for a closed app
      expect(t.app.jobs.status().map((s) => s.runs)).toEqual(runs);
    } finally {
      await t.close();
    }
  });
});
