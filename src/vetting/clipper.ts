// Clipping too large for the event loop (decide.ts's jobs) runs in worker threads, each job with
// a deadline: past it the decision stops waiting (its answer is a review that says so) and the
// worker, busy with a job nobody waits for, is replaced. The workers start on first need.
import { Worker } from 'node:worker_threads';
import type { ClipJob } from './decide.ts';

// tsx compiles the worker's TypeScript as it does the server's (bin/truce.js)
const BOOT = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./clip-worker.ts', import.meta.url).href)}); });`;

const BOOT_MS = 15_000;

interface Task {
  jobs: ClipJob[];
  resolve: (areas: number[][] | null) => void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its code: a job's deadline runs from then (a cold start is not the job's time). */
  ready: boolean;
  busy: { id: number; task: Task; timer: NodeJS.Timeout | null } | null;
}

export class ClipPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Jobs done, and jobs given up at their deadline (for logs and the benchmark). */
  readonly stats = { done: 0, late: 0 };

  constructor(
    private readonly size: number,
    private readonly deadlineMs: number,
    /** Tasks waiting for a worker beyond this many are answered at once as late. */
    private readonly maxQueue = 64,
  ) {}

  /** The jobs' areas, or null when they missed the deadline (counted from when a worker takes them). */
  run(jobs: ClipJob[]): Promise<number[][] | null> {
    if (this.closed || this.size < 1) return Promise.resolve(null);
    return new Promise((resolve) => {
      if (this.queue.length >= this.maxQueue) {
        this.stats.late++;
        return resolve(null);
      }
      this.queue.push({ jobs, resolve });
      this.pump();
    });
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(BOOT, { eval: true }), ready: false, busy: null };
    slot.worker.unref();
    // a worker that never loads its code must not hold its job for ever
    const boot = setTimeout(() => !slot.ready && this.replace(slot), BOOT_MS);
    boot.unref();
    slot.worker.on('message', (m: { ready?: true; id: number; areas: number[][] }) => {
      if (m.ready) {
        clearTimeout(boot);
        slot.ready = true;
        if (slot.busy) slot.busy.timer = this.deadline(slot);
        return;
      }
      if (!slot.busy || slot.busy.id !== m.id) return;
      if (slot.busy.timer) clearTimeout(slot.busy.timer);
      const { task } = slot.busy;
      slot.busy = null;
      this.stats.done++;
      task.resolve(m.areas);
      this.pump();
    });
    slot.worker.on('error', () => this.replace(slot));
    return slot;
  }

  private replace(slot: Slot) {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.busy) {
      if (slot.busy.timer) clearTimeout(slot.busy.timer);
      slot.busy.task.resolve(null);
      slot.busy = null;
    }
    void slot.worker.terminate();
    this.pump();
  }

  private pump() {
    while (this.queue.length && !this.closed) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) this.slots.push((slot = this.spawn()));
      if (!slot) return;
      const task = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { id, task, timer: null };
      if (slot.ready) slot.busy.timer = this.deadline(slot);
      slot.worker.postMessage({ id, jobs: task.jobs });
    }
  }

  private deadline(slot: Slot): NodeJS.Timeout {
    return setTimeout(() => {
      this.stats.late++;
      this.replace(slot);
    }, this.deadlineMs);
  }

  /** Starts the workers now, so that the first large job does not wait for one to load. */
  warm() {
    while (!this.closed && this.slots.length < this.size) this.slots.push(this.spawn());
  }

  async close() {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.resolve(null);
    await Promise.all(
      this.slots.splice(0).map((s) => {
        if (s.busy?.timer) clearTimeout(s.busy.timer);
        s.busy?.task.resolve(null);
        return s.worker.terminate();
      }),
    );
  }
}
