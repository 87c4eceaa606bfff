// A server-sent events client for tests (Node 20 has no EventSource): node:http (fetch's pool
// opens a spare connection after an abort, which holds a server's close for a minute), and the
// parsing rules of the HTML standard for the fields truce sends (id, event, data, retry, comments).
import http from 'node:http';

export interface SseBlock {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  comments: string[];
}

/** Splits complete blocks off `text` (a block ends with a blank line); returns them and the unfinished rest. */
export function parseSse(text: string): { blocks: SseBlock[]; rest: string } {
  const normal = text.replace(/\r\n?/g, '\n');
  const parts = normal.split('\n\n');
  const rest = parts.pop()!;
  const blocks = parts.map((part) => {
    const b: SseBlock = { comments: [] };
    const data: string[] = [];
    for (const line of part.split('\n')) {
      if (line.startsWith(':')) {
        b.comments.push(line.slice(1).trim());
        continue;
      }
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id') b.id = value;
      else if (field === 'event') b.event = value;
      else if (field === 'retry') b.retry = Number(value);
    }
    if (data.length) b.data = data.join('\n');
    return b;
  });
  return { blocks, rest };
}

export class SseClient {
  readonly blocks: SseBlock[] = [];
  /** What an EventSource would send as Last-Event-ID on reconnecting. */
  lastEventId: string | null = null;
  /** Bytes received, to show that nothing at all arrived. */
  received = 0;
  readonly ended: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string | null,
    private readonly req: http.ClientRequest,
    res: http.IncomingMessage | null,
  ) {
    this.ended = res ? this.read(res) : Promise.resolve();
  }

  /** GET the stream; a non-200 answer is returned with its body read. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers }, async (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        if (res.statusCode !== 200) {
          let body = '';
          for await (const chunk of res) body += chunk;
          return resolve(new SseClient(res.statusCode!, h, body, req, null));
        }
        resolve(new SseClient(200, h, null, req, res));
      });
      req.on('error', reject);
    });
  }

  /** The events (blocks with data). */
  get events(): SseBlock[] {
    return this.blocks.filter((b) => b.data !== undefined);
  }

  json(): any {
    return JSON.parse(this.body ?? 'null');
  }

  /** Resolves with the first block (from the start) that matches, or rejects after `ms`. */
  waitFor(pred: (b: SseBlock) => boolean, ms = 10_000): Promise<SseBlock> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.blocks.find(pred);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(this.blocks)}`));
      }, ms);
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  close(): void {
    this.req.destroy();
  }

  private async read(res: http.IncomingMessage) {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const value of res as AsyncIterable<Buffer>) {
        this.received += value.byteLength;
        buf += decoder.decode(value, { stream: true });
        const { blocks, rest } = parseSse(buf);
        buf = rest;
        for (const b of blocks) {
          if (b.id !== undefined) this.lastEventId = b.id;
          this.blocks.push(b);
        }
        if (blocks.length) for (const w of [...this.waiters]) w();
      }
    } catch {
      // closed by us (destroy), or the server went away: the stream has ended either way
    }
  }
}
