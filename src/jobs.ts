// Background jobs: registered while the app is built, started when it is ready (buildApp's
// onReady hook) and stopped when it closes (its onClose hook), so no timer or listener outlives
// the app. A capability registers its own in its route plugin: `app.jobs.register({...})`.
import type { Db } from './db/db.ts';
import { vacuumAnalyze } from './db/statements.ts';
import type { LedgerKey } from './ledger/keys.ts';
import { currentHead } from './ledger/ledger.ts';

/** Something done every `everyMs` (a run never overlaps the previous one). */
export interface PeriodicJob {
  name: string;
  /** Milliseconds between the end of one run and the start of the next; 0 or less: the job is off. */
  everyMs: number;
  /** Also run once when the app starts, before it is ready (default true). */
  atStart?: boolean;
  run(): Promise<void>;
}

/** Something that runs for the app's whole life (a listener, a connection): started and stopped with it. */
export interface ServiceJob {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type Job = PeriodicJob | ServiceJob;

export interface JobStatus {
  name: string;
  /** Runs finished (periodic jobs), failures included. */
  runs: number;
  failures: number;
  lastError: string | null;
  /** Started and not stopped. */
  active: boolean;
}

interface Logger {
  error(obj: object, msg: string): void;
}

const isService = (j: Job): j is ServiceJob => 'start' in j;

/** The registry one app owns. */
export class Jobs {
  private readonly jobs: { job: Job; status: JobStatus; timer: NodeJS.Timeout | null; running: Promise<void> | null }[] = [];
  private state: 'registering' | 'started' | 'stopped' = 'registering';

  private readonly warming: Promise<unknown>[] = [];

  constructor(private readonly log: Logger) {}

  /**
   * A load the app starts once in the background and answers without (the enrichment reference
   * after a restart): it settles, failed or not, before warmed() does. Capabilities log their
   * own failures; this only tells when the start-up work is over.
   */
  warm(load: Promise<unknown>): void {
    this.warming.push(load.catch(() => undefined));
  }

  /** Resolves once every start-up load registered so far has settled. */
  async warmed(): Promise<void> {
    for (let n = 0; n < this.warming.length; ) {
      const upTo = this.warming.length;
      await Promise.all(this.warming.slice(n, upTo));
      n = upTo; // and again for any added meanwhile
    }
  }

  /** Adds a job; only before the app starts (capabilities register theirs while it is built). */
  register(job: Job): void {
    if (this.state !== 'registering') throw new Error(`job ${job.name}: register jobs while the app is built, not after it started`);
    if (this.jobs.some((j) => j.job.name === job.name)) throw new Error(`job ${job.name} is registered twice`);
    this.jobs.push({ job, status: { name: job.name, runs: 0, failures: 0, lastError: null, active: false }, timer: null, running: null });
  }

  /** Starts every job in the order registered; the first runs of periodic jobs are awaited (a failure is logged, not thrown). */
  async start(): Promise<void> {
    if (this.state !== 'registering') return;
    this.state = 'started';
    for (const j of this.jobs) {
      if (isService(j.job)) {
        await j.job.start();
        j.status.active = true;
        continue;
      }
      const job = j.job;
      if (job.everyMs <= 0) continue;
      j.status.active = true;
      if (job.atStart ?? true) await this.runOnce(j);
      this.schedule(j);
    }
  }

  /** Stops every job (the reverse order), waiting for runs in flight; nothing is scheduled afterwards. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    for (const j of [...this.jobs].reverse()) {
      if (j.timer) clearTimeout(j.timer);
      j.timer = null;
      if (!j.status.active) continue;
      j.status.active = false;
      if (isService(j.job)) {
        if (wasStarted) await j.job.stop().catch((err) => this.log.error({ err, job: j.job.name }, 'stopping a background job failed'));
      } else await j.running;
    }
  }

  /** Each job's figures (tests and logs). */
  status(): JobStatus[] {
    return this.jobs.map((j) => ({ ...j.status }));
  }

  /** Timers scheduled now: none once the app is closed. */
  pendingTimers(): number {
    return this.jobs.filter((j) => j.timer !== null).length;
  }

  private schedule(j: (typeof this.jobs)[number]) {
    if (this.state !== 'started') return;
    // a ref'd timer: an app left open keeps the process alive, which shows, instead of silently dying
    j.timer = setTimeout(async () => {
      j.timer = null;
      await this.runOnce(j);
      this.schedule(j);
    }, (j.job as PeriodicJob).everyMs);
  }

  private async runOnce(j: (typeof this.jobs)[number]) {
    const job = j.job as PeriodicJob;
    j.running = job
      .run()
      .catch((err) => {
        j.status.failures++;
        j.status.lastError = String(err?.message ?? err);
        this.log.error({ err, job: job.name }, 'a background job failed');
      })
      .finally(() => {
        j.status.runs++;
        j.running = null;
      });
    await j.running;
  }
}

/** A signed tree head now and then while the log grows, so proofs have recent heads to point to. */
export function signedHeadsJob(db: Db, key: LedgerKey, everyS: number): PeriodicJob {
  return { name: 'ledger.signed-heads', everyMs: everyS * 1000, run: async () => void (await currentHead(db, key)) };
}

/**
 * PGlite has no autovacuum daemon: without it plans degrade and dead rows pile up as tables grow.
 * PostgreSQL does this itself. Not at start: the statistics are stored with the data, and a whole
 * VACUUM of a country-sized database held the restart's first decision for seconds (issue 12).
 */
export function plannerStatisticsJob(db: Db, everyS: number): PeriodicJob {
  return { name: 'db.planner-statistics', everyMs: db.engine === 'pglite' ? everyS * 1000 : 0, atStart: false, run: () => vacuumAnalyze(db) };
}
