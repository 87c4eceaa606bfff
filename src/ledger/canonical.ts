// RFC 8785 canonical JSON of a row's state, which every write hashes. Written by hand because
// it is on every recorded decision (issue 12): the `canonicalize` package, which stays the
// reference the tests hold this to, builds the text piece by piece (a JSON.stringify per string
// and number, a Set against cycles, an array per object); this is 3x faster on vetting states.
// RFC 8785 writes strings and numbers as ES JSON.stringify does, and object keys in UTF-16
// code-unit order: so a value whose keys are already in that order (states are built so, see
// entities.ts) is JSON.stringify'd whole, and only objects out of order are copied with their
// keys sorted. A key that starts with a digit could be an array index, which JS objects put
// first whatever their insertion order: such a value is left to canonicalize.
import canonicalize from 'canonicalize';

class IndexKey extends Error {}

/** Deeper than any state: a cycle, which canonicalize refuses too. */
const MAX_DEPTH = 1000;

/** Canonical JSON of a JSON value, as `canonicalize` writes it; throws on NaN, ±Infinity, lone surrogates and cycles, as it does. */
export function canonicalJson(v: unknown): string {
  try {
    return JSON.stringify(ordered(v, 0)) as string;
  } catch (e) {
    if (e instanceof IndexKey) return canonicalize(v) as string;
    throw e;
  }
}

/** v itself when every object in it has its keys in order, else a copy that has; checks what JSON.stringify would not. */
function ordered(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw new Error('Lone surrogate is not allowed');
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw new Error(Number.isNaN(v) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return v;
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return v;
  if (depth > MAX_DEPTH) throw new Error('Circular reference detected');
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return ordered((v as { toJSON: () => unknown }).toJSON(), depth + 1);
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = ordered(v[i], depth + 1);
      if (x !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(x);
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let sorted = true;
  let changed = false;
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!k.isWellFormed()) throw new Error('Lone surrogate is not allowed');
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57) throw new IndexKey();
    if (i > 0 && keys[i - 1] > k) sorted = false;
    const x = o[k];
    values[i] = typeof x === 'symbol' ? undefined : ordered(x, depth + 1); // a symbol member is left out, as undefined is
    if (values[i] !== x) changed = true;
  }
  if (sorted && !changed) return v;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const copy: Record<string, unknown> = {};
  for (const i of order) copy[keys[i]] = values[i];
  return copy;
}
