// Server-sent events framing (HTML Living Standard, "Server-sent events"). Hand-written: it is
// a few field lines, and the stream's flow (backpressure, bounds, resume, filtering) has to stay
// in our hands, which the Fastify SSE plugins would take over with the reply.

/** `id`, `event` and one `data` line: JSON.stringify never writes a raw line break, so one line holds it. */
export function sseEvent(id: number, event: string, data: unknown): string {
  if (!/^[a-z][a-z0-9_]*$/.test(event)) throw new Error(`bad event name ${JSON.stringify(event)}`);
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A heartbeat: a comment line, which clients ignore and proxies see as traffic. It carries no id:
 * sent after a withheld event it would say when that event happened.
 */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

/**
 * The stream's first block: how long the client waits before reconnecting, and the id it
 * starts from, so that a client which connected without one still resumes without a gap.
 */
export const sseOpen = (retryMs: number, id: number | null): string => `: truce events\nretry: ${retryMs}\n${id === null ? '' : `id: ${id}\n`}\n`;

/** A Last-Event-ID: a leaf index (a decimal integer); null when absent; 'invalid' otherwise. */
export function parseEventId(v: string | undefined): number | null | 'invalid' {
  if (v === undefined) return null;
  const s = v.trim();
  if (s === '') return null; // EventSource sends an empty one before it has seen an id
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s)) return 'invalid';
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 'invalid';
}
