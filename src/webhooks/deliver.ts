// One HTTP attempt of a webhook delivery: POST the JSON body, signed, to the registered URL.
// node:http(s) directly, not fetch: the connection's address is checked after DNS (a `lookup`
// that refuses private addresses, so a name re-pointed inside after registration, DNS
// rebinding, is refused at the moment of connecting, with no gap between check and use), no
// connection is reused (every attempt resolves and checks again), no redirect is followed, the
// answer is read to a few hundred bytes only, and the whole attempt has one deadline.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressFault, ipLiteral, urlFault, type UrlRules } from './ssrf.ts';

/** What the log keeps of an answer. */
export const RESPONSE_EXCERPT_BYTES = 256;

export interface AttemptResult {
  status: number | null;
  /** A short sentence, for the log (never more than about 200 characters). */
  error: string | null;
  response: string | null;
  durationMs: number;
}

/** dns.lookup, refusing when any address the name resolves to is not one truce may send to. */
export function guardedLookup(rules: UrlRules): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const fault = addressFault(a.address, rules);
        if (fault) {
          const e = new Error(`refused: ${hostname} resolves to ${fault}`) as NodeJS.ErrnoException;
          e.code = 'ETRUCEREFUSED';
          return callback(e, '', 0);
        }
      }
      if (!list.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 197)}...` : s);

/** POSTs `body` once. Never throws: every failure is a result with its error. */
export function postOnce(url: string, body: string, headers: Record<string, string>, o: { rules: UrlRules; timeoutMs: number; signal?: AbortSignal }): Promise<AttemptResult> {
  const started = performance.now();
  const done = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({ ...r, error: r.error && short(r.error), durationMs: Math.round(performance.now() - started) });
  const fault = urlFault(url, o.rules);
  if (fault) return Promise.resolve(done({ status: null, error: `refused: the URL ${fault}`, response: null }));
  if (o.signal?.aborted) return Promise.resolve(done({ status: null, error: 'the server is stopping', response: null }));
  const u = new URL(url);
  const literal = ipLiteral(u.hostname);
  if (literal && addressFault(literal, o.rules)) return Promise.resolve(done({ status: null, error: `refused: ${addressFault(literal, o.rules)}`, response: null }));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(done(r));
    };
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'truce-webhooks/1', connection: 'close' },
      agent: false, // no pooled connection: each attempt resolves and checks its address again
      lookup: guardedLookup(o.rules),
    });
    const timer = setTimeout(() => finish({ status: null, error: `timed out after ${o.timeoutMs} ms`, response: null }), o.timeoutMs);
    const onAbort = () => finish({ status: null, error: 'the server is stopping', response: null });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ status: null, error: e.code === 'ETRUCEREFUSED' ? e.message : `${e.code ?? 'error'}: ${e.message}`, response: null }));
    req.on('response', (res) => {
      const status = res.statusCode ?? null;
      const chunks: Buffer[] = [];
      let size = 0;
      const end = () => {
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
        const redirect = status !== null && status >= 300 && status < 400 ? `a redirect (${status}) is not followed` : null;
        finish({ status, error: redirect ?? (status !== null && status >= 200 && status < 300 ? null : `answered ${status}`), response: text || null });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= RESPONSE_EXCERPT_BYTES) end(); // what is kept is in: stop reading
      });
      res.on('end', end);
      res.on('error', end);
    });
    req.end(body);
  });
}

/**
 * At registration: does the URL's host resolve, every address of it public? One answer for a
 * name that does not resolve and one that resolves inside, so registering says nothing of the
 * server's own network names beyond what public DNS says.
 */
export async function hostFault(url: string, rules: UrlRules): Promise<string | null> {
  const host = new URL(url).hostname;
  if (ipLiteral(host)) return null; // judged by urlFault already
  try {
    const list = await dns.promises.lookup(host, { all: true });
    if (list.length && list.every((a) => addressFault(a.address, rules) === null)) return null;
  } catch {
    // no such name: refused below, as one resolving inside would be
  }
  return `host ${host} does not resolve to a public address`;
}
