// Prepared areas by row id, one cache per database and process, shared by every in-memory index
// that reads the same immutable rows (vetting's index, the desk's enrichment): a country's front
// lines at front-line detail are read, parsed and prepared once, and held once (issue 12).
import { PreparedArea, type Position } from './shapes.ts';

/** Prepared geometries by key: territory versions' parts under `territory/<id>`, other rows under their id. */
export type PreparedCache = Map<string, object>;

const caches = new WeakMap<object, PreparedCache>();

/** The cache of a database (any object standing for it). */
export function preparedCache(owner: object): PreparedCache {
  let c = caches.get(owner);
  if (!c) caches.set(owner, (c = new Map()));
  return c;
}

const key = (id: string) => `territory/${id}`;

/** A territory version's parts, each polygon prepared apart, from the cache or from `polygons` (then kept). */
export function territoryParts(cache: PreparedCache, id: string, polygons: Position[][][]): PreparedArea[] {
  let parts = cache.get(key(id)) as PreparedArea[] | undefined;
  if (!parts) {
    if (!polygons.length) throw new Error(`territory ${id}: neither its coordinates nor its prepared parts are at hand`);
    // in shared memory: vetting's clipping workers read them without a copy per job
    cache.set(key(id), (parts = polygons.map((poly) => new PreparedArea([poly]).shared())));
  }
  return parts;
}

/** Keeps parts read from elsewhere (the vetting index's file; there already in shared memory, so this copies nothing). */
export function keepTerritoryParts(cache: PreparedCache, id: string, parts: PreparedArea[]): void {
  cache.set(key(id), parts.map((p) => p.shared()));
}

/** Drops territory versions' parts (read from a file that failed a check): they are prepared from their rows again. */
export function forgetTerritoryParts(cache: PreparedCache, ids: Iterable<string>): void {
  for (const id of ids) cache.delete(key(id));
}

/** The territory versions whose parts the cache holds: their coordinates need not be read again. */
export function preparedTerritoryIds(cache: PreparedCache): string[] {
  const out: string[] = [];
  for (const k of cache.keys()) if (k.startsWith('territory/')) out.push(k.slice(10));
  return out;
}

const loading = new WeakMap<PreparedCache, Promise<unknown>>();

/** Marks the cache as being filled (an index loading from its file): others wait instead of reading the same rows again. */
export function filling(cache: PreparedCache, p: Promise<unknown>): void {
  const settled = p.then(
    () => undefined,
    () => undefined,
  );
  loading.set(cache, settled);
  void settled.then(() => loading.get(cache) === settled && loading.delete(cache));
}

/** Resolves once no one is filling the cache. */
export function filled(cache: PreparedCache): Promise<unknown> {
  return loading.get(cache) ?? Promise.resolve();
}
