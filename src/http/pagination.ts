import { ApiError } from './errors.ts';

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

export function encodeCursor(sort: string, k: [Key, string]): string {
  return Buffer.from(JSON.stringify([sort, ...k])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): [Key, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && v[0] === sort && ['string', 'number'].includes(typeof v[1]) && typeof v[2] === 'string') return [v[1], v[2]];
  } catch {
    /* falls through */
  }
  throw new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out for this sort order.', 'cursor');
}
