import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.ts';
import { isTime } from './validation.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Key = string | number;

/**
 * Keyset pagination over an in-memory list (lists that are small by nature, like parties):
 * the cursor is the sort key and id of the last item, so inserts do not shift pages.
 */
export function paginate<T extends { id: string }>(
  all: T[],
  q: { sort?: string; limit?: number; cursor?: string },
  keys: Record<string, (t: T) => Key>,
): Page<T> {
  const sort = q.sort ?? Object.keys(keys)[0];
  const desc = sort.startsWith('-');
  const keyOf = keys[desc ? sort.slice(1) : sort];
  const limit = q.limit ?? 50;
  const cmp = (a: [Key, string], b: [Key, string]) => {
    const c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    return desc ? -c : c;
  };
  const rows = all.map((t) => ({ t, k: [keyOf(t), t.id] as [Key, string] })).sort((a, b) => cmp(a.k, b.k));
  let start = 0;
  if (q.cursor) {
    const after = decodeCursor(q.cursor, sort);
    if (rows.length && typeof after[0] !== typeof rows[0].k[0]) throw new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out for this sort order.', 'cursor');
    start = rows.findIndex((r) => cmp(r.k, after) > 0);
    if (start < 0) start = rows.length;
  }
  const page = rows.slice(start, start + limit);
  const more = start + limit < rows.length;
  return { items: page.map((r) => r.t), nextCursor: more ? encodeCursor(sort, page[page.length - 1].k) : null };
}

// Cursors are MACed: a client can only hand back one this server gave out, so nothing crafted
// reaches SQL (a cursor's values go into queries typed as timestamps and bigints). buildApp
// sets a key derived from the log key, shared by instances; a random one until then.
let cursorKey: Buffer = randomBytes(32);
export function useCursorKey(key: Buffer): void {
  cursorKey = key;
}
const mac = (payload: string) => createHmac('sha256', cursorKey).update(payload).digest().subarray(0, 16);

export function encodeCursor(sort: string, k: [Key, string]): string {
  const payload = Buffer.from(JSON.stringify([sort, ...k])).toString('base64url');
  return `${payload}.${mac(payload).toString('base64url')}`;
}

const BAD = () => new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out for this sort order.', 'cursor');

export function decodeCursor(cursor: string, sort: string): [Key, string] {
  const [payload, tag, extra] = cursor.split('.');
  if (extra !== undefined || !payload || !tag) throw BAD();
  const want = mac(payload);
  const got = Buffer.from(tag, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw BAD();
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    // Belt and braces behind the MAC: a time key is a time (or its milliseconds), a key a short string or a finite number.
    const timeOk = (x: unknown) => !/At$/.test(sort) || typeof x === 'number' || (typeof x === 'string' && isTime(x));
    const keyOk = (x: unknown) => (typeof x === 'string' && x.length <= 1000) || (typeof x === 'number' && Number.isFinite(x));
    if (Array.isArray(v) && v.length === 3 && v[0] === sort && keyOk(v[1]) && timeOk(v[1]) && typeof v[2] === 'string' && /^[\w-]{1,64}$/.test(v[2])) return [v[1], v[2]];
  } catch {
    /* falls through */
  }
  throw BAD();
}
