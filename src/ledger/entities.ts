// What the ledger records: each entity type's table and the columns of its canonical state.
// A new capability adds its entity here and calls record() in its writes; `truce verify`
// recomputes every current row's state hash from these same columns.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Queryable, Row } from '../db/db.ts';

export interface EntityDef {
  table: string;
  /** Columns of the canonical state; volatile bookkeeping (last-used times, lock-out counters) is left out. */
  columns: string[];
}

export const ENTITIES = {
  terms: { table: 'terms', columns: ['id', 'name', 'text', 'announced_at', 'commitment_deadline', 'starts_at', 'cochair_party_ids', 'created_by', 'created_at'] },
  party: {
    table: 'parties',
    columns: ['id', 'name', 'aliases', 'kind', 'home_state', 'operates_in', 'created_by', 'created_at', 'updated_at'],
  },
  designation: { table: 'designations', columns: ['id', 'seq', 'party_id', 'designated', 'basis', 'since', 'recorded_by', 'recorded_at'] },
  commitment: { table: 'commitments', columns: ['id', 'seq', 'party_id', 'terms_id', 'type', 'at', 'via_party_id', 'note', 'late', 'recorded_by', 'recorded_at'] },
  account: {
    table: 'accounts',
    columns: ['id', 'name', 'username', 'password_hash', 'role', 'party_id', 'organisation', 'disabled_at', 'signing_key', 'created_by', 'created_at'],
  },
  api_token: { table: 'api_tokens', columns: ['id', 'account_id', 'name', 'token_hash', 'prefix', 'created_by', 'created_at', 'revoked_at'] },
  territory: { table: 'territories', columns: ['id', 'seq', 'party_id', 'geom', 'valid_from', 'source', 'note', 'pcodes', 'recorded_by', 'recorded_at'] },
  site: { table: 'sites', columns: ['id', 'seq', 'kind', 'name', 'geom', 'buffer_m', 'valid_from', 'valid_to', 'organisation', 'notified_by', 'notified_at'] },
  site_event: { table: 'site_events', columns: ['id', 'seq', 'site_id', 'type', 'at', 'reason', 'recorded_by', 'recorded_role', 'recorded_at'] },
  corridor: { table: 'corridors', columns: ['id', 'seq', 'name', 'geom', 'width_m', 'valid_from', 'valid_to', 'convoy_id', 'created_by', 'created_at'] },
  vetting: {
    table: 'vettings',
    columns: [
      'id', 'seq', 'target', 'radius_m', 'at', 'requesting_party_id', 'home_state', 'operates_in', 'note',
      'decision', 'reasons', 'data_version', 'requested_by', 'requested_role', 'requested_at',
    ],
  },
} satisfies Record<string, EntityDef>;

export type EntityType = keyof typeof ENTITIES;
export const ENTITY_TYPES = Object.keys(ENTITIES) as EntityType[];

/** A row as plain JSON: times as ISO 8601 UTC, bytes as hex; the same on both engines. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export function canonicalState(row: Row | null): Row | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
}

export function stateHash(state: unknown): string {
  return createHash('sha256').update(canonicalize(state) ?? 'null').digest('hex');
}

/** The canonical state from a row as written (INSERT/UPDATE ... RETURNING *): the same as loadStates reads back. */
export function stateFromRow(type: EntityType, row: Row): Row {
  const def: EntityDef = ENTITIES[type];
  return canonicalState(Object.fromEntries(def.columns.map((c) => [c, row[c]])))!;
}

/** Canonical states of some entities of one type (all when ids is omitted), by id. */
export async function loadStates(q: Queryable, type: EntityType, ids?: string[]): Promise<Map<string, Row>> {
  const def: EntityDef = ENTITIES[type];
  const cols = def.columns.join(', ');
  const rows = ids ? await q.query(`SELECT ${cols} FROM ${def.table} WHERE id = ANY($1::uuid[])`, [ids]) : await q.query(`SELECT ${cols} FROM ${def.table}`);
  return new Map(rows.map((r) => [String(r.id), canonicalState(r)!]));
}
