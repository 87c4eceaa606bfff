// The worker thread of clipper.ts: works clipping jobs out from their rings, one message at a time.
import { parentPort } from 'node:worker_threads';
import { runClipJob, type ClipJob } from './decide.ts';

parentPort!.on('message', (m: { id: number; jobs: ClipJob[] }) => {
  parentPort!.postMessage({ id: m.id, areas: m.jobs.map(runClipJob) });
});
parentPort!.postMessage({ ready: true });
