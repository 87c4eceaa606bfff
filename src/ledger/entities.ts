// What the ledger records: each entity type's table and the columns of its canonical state.
// A new capability adds its entity here and calls record() in its writes; `truce verify`
// recomputes every current row's state hash from these same columns.
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from './canonical.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { Queryable, Row } from '../db/db.ts';

export interface EntityDef {
  table: string;
  /** Columns of the canonical state; volatile bookkeeping (last-used times, lock-out counters) is left out. The row's `salt` is never one. */
  columns: string[];
  /** Its leaves commit to actor and entity instead of naming them: who asked about what is itself secret. */
  sensitive?: boolean;
  /**
   * Roles that may read every row of the type, and so its salts and states through the ledger.
   * Default: every role that may read the ledger; for a sensitive type, the task force.
   * A capability widens it row by row with registerRowReader.
   */
  readers?: readonly Role[];
  /** Columns a later migration added: left out of the state while NULL, so rows written before them hash as they did. */
  added?: string[];
}

/** The task force: who may read every row of a sensitive type. */
export const TASK_FORCE: readonly Role[] = ['admin', 'cochair', 'secretariat'];

/** Who sees every report and incident: the task force and the monitors (who still see no site positions). */
export const DESK: readonly Role[] = [...TASK_FORCE, 'monitor'];

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
    readers: ['admin'], // its state holds the password hash
  },
  api_token: { table: 'api_tokens', columns: ['id', 'account_id', 'name', 'token_hash', 'prefix', 'created_by', 'created_at', 'revoked_at'], readers: ['admin'] },
  territory: { table: 'territories', columns: ['id', 'seq', 'party_id', 'geom', 'valid_from', 'source', 'note', 'pcodes', 'recorded_by', 'recorded_at'] },
  site: { table: 'sites', columns: ['id', 'seq', 'kind', 'name', 'geom', 'buffer_m', 'valid_from', 'valid_to', 'organisation', 'notified_by', 'notified_at'], sensitive: true },
  // a withdrawal or rejection names the site it ends: as sensitive as the site
  site_event: { table: 'site_events', columns: ['id', 'seq', 'site_id', 'type', 'at', 'reason', 'recorded_by', 'recorded_role', 'recorded_at'], sensitive: true },
  corridor: { table: 'corridors', columns: ['id', 'seq', 'name', 'geom', 'width_m', 'valid_from', 'valid_to', 'convoy_id', 'created_by', 'created_at'] },
  vetting: {
    table: 'vettings',
    columns: [
      'id', 'seq', 'target', 'radius_m', 'at', 'requesting_party_id', 'home_state', 'operates_in', 'note',
      'decision', 'reasons', 'data_version', 'requested_by', 'requested_role', 'requested_at',
      'told_decision', 'told_reasons', 'told_basis', 'grid_m',
    ],
    sensitive: true, // a liaison sees a redacted view of its own rows, so it gets no salt of them either
    added: ['told_decision', 'told_reasons', 'told_basis', 'grid_m'],
  },
  // who was flagged for probing is as sensitive as the vetting it came from: task force only
  vetting_flag: { table: 'vetting_flags', columns: ['id', 'seq', 'account_id', 'event', 'at', 'referrals', 'reason', 'recorded_by'], sensitive: true },
  // The investigation desk (src/incidents). Raw reports and reporters' identities are sensitive;
  // so is an incident until it is published: its row readers (registered by the desk) widen
  // each type to the reporter, the parties named and, once published, everyone.
  report: {
    table: 'reports',
    columns: [
      'id', 'seq', 'channel', 'occurred_at', 'occurred_precision', 'occurred_from', 'occurred_to', 'location', 'location_precision',
      'place_name', 'event_type', 'perpetrator_party_ids', 'target_party_ids', 'casualties', 'sources', 'text', 'source_ref',
      'reporter_id', 'reporter_role', 'reporter_party_id', 'reporter_organisation', 'filed_at',
    ], // enrichment is derived and recomputed, not what was reported: not in the state
    sensitive: true,
    readers: DESK,
  },
  incident: {
    table: 'incidents',
    columns: [
      'id', 'seq', 'status', 'grade', 'reasoning', 'event_type', 'occurred_from', 'occurred_to', 'location', 'location_precision', 'pcodes',
      'perpetrator_party_ids', 'target_party_ids', 'casualties', 'report_count', 'merged_into', 'published_at', 'published_by', 'created_at',
      'updated_at',
    ],
    sensitive: true,
    readers: DESK,
  },
  incident_event: {
    table: 'incident_events',
    columns: ['id', 'seq', 'incident_id', 'type', 'status', 'grade', 'reasoning', 'detail', 'recorded_by', 'recorded_role', 'recorded_at'],
    sensitive: true,
    readers: DESK,
  },
  claim: {
    table: 'claims',
    columns: ['id', 'seq', 'incident_id', 'party_id', 'claimed_at', 'text', 'perpetrator_party_ids', 'casualties', 'source', 'recorded_by', 'recorded_role', 'recorded_at'],
    sensitive: true,
    readers: DESK,
  },
  info_request: {
    table: 'info_requests',
    columns: ['id', 'seq', 'incident_id', 'addressed_to_party_id', 'question', 'due_at', 'asked_by', 'asked_at'],
    sensitive: true,
    readers: DESK,
  },
  info_answer: { table: 'info_answers', columns: ['id', 'seq', 'request_id', 'text', 'answered_by', 'answered_at'], sensitive: true, readers: DESK },
  determination: {
    table: 'determinations',
    columns: ['id', 'seq', 'incident_id', 'finding', 'violator_party_ids', 'reasoning', 'proposed_by', 'proposed_party_id', 'proposed_at'],
    sensitive: true,
    readers: DESK,
  },
  concurrence: { table: 'concurrences', columns: ['id', 'seq', 'determination_id', 'party_id', 'concurred_by', 'concurred_at'], sensitive: true, readers: DESK },
  // Humanitarian access (src/aid). Areas and their status are published; a convoy's details
  // (cargo, route before approval, answers) are the task force's, widened by aid's row readers
  // to the requesting agency and the parties asked to approve.
  besieged_area: {
    table: 'besieged_areas',
    columns: ['id', 'seq', 'name', 'geom', 'pcodes', 'population', 'population_as_of', 'population_source', 'besieging_party_ids', 'illustrative', 'created_by', 'created_at'],
  },
  besieged_status: { table: 'besieged_area_events', columns: ['id', 'seq', 'area_id', 'status', 'at', 'reason', 'recorded_by', 'recorded_at'] },
  convoy: {
    table: 'convoys',
    columns: [
      'id', 'seq', 'agency', 'origin_name', 'destination_area_id', 'route', 'width_m', 'window_from', 'window_to', 'cargo', 'people_to_reach',
      'illustrative', 'requested_by', 'created_at',
    ],
    sensitive: true,
    readers: DESK,
  },
  convoy_event: {
    table: 'convoy_events',
    columns: ['id', 'seq', 'convoy_id', 'type', 'at', 'party_id', 'detail', 'data', 'report_id', 'recorded_by', 'recorded_role', 'recorded_at'],
    sensitive: true,
    readers: DESK,
  },
  // Webhooks (src/webhooks): who listens for what, where, is the registrant's and the task force's
  // (its row reader widens it to the owner). The signing secret and the failure count are not state.
  webhook: {
    table: 'webhooks',
    columns: ['id', 'seq', 'account_id', 'url', 'events', 'description', 'state', 'disabled_reason', 'disabled_at', 'changed_by', 'created_at', 'updated_at'],
    sensitive: true,
    readers: ['admin', 'secretariat'],
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

/** Keys in canonical order (UTF-16 code units), so that canonicalJson has no object to reorder at the top. */
export function canonicalState(row: Row | null): Row | null {
  if (!row) return null;
  const state: Row = {};
  for (const k of Object.keys(row).sort()) state[k] = plain(row[k]);
  return state;
}

/** Format 1 (stored leaves only): SHA-256 of the canonical state. Anyone who can guess the state can check a guess. */
export function stateHash(state: unknown): string {
  return createHash('sha256').update(state === null || state === undefined ? 'null' : canonicalJson(state)).digest('hex');
}

/**
 * Format 2: SHA-256(salt || UTF-8 of the canonical state (RFC 8785)), hex; the salt is the row's
 * 32 random bytes. A deleted row has no salt: its state `null` hashes as in format 1.
 */
export function commitState(salt: Uint8Array | null, state: unknown): string {
  if (state === null || !salt) return stateHash(null);
  return createHash('sha256').update(salt).update(canonicalJson(state)).digest('hex');
}

export interface Subject {
  actorId: string | null;
  actorRole: string;
  entityType: string;
  entityId: string;
  seq: number;
}

/**
 * What a format 2 leaf of a sensitive type commits to instead of naming it: canonical JSON of
 * {actor: {id, role}, entity: {id, type}, seq}. Written out by hand (RFC 8785 for this fixed
 * shape, as leafText) because it is on every vetting decision; the seq makes each leaf's
 * commitment different, so leaves of one entity cannot be linked.
 */
export function subjectText(s: Subject): string {
  const j = JSON.stringify;
  return `{"actor":{"id":${j(s.actorId)},"role":${j(s.actorRole)}},"entity":{"id":${j(s.entityId)},"type":${j(s.entityType)}},"seq":${s.seq}}`;
}

/** SHA-256(salt || UTF-8 of subjectText), hex; a row already gone gets a salt nobody keeps. */
export function commitSubject(salt: Uint8Array | null, s: Subject): string {
  return createHash('sha256').update(salt ?? randomBytes(32)).update(subjectText(s)).digest('hex');
}

export const isSensitive = (type: string): boolean => Boolean((ENTITIES as Record<string, EntityDef>)[type]?.sensitive);

/** May this role read every row of the type (its leaves in full, its salts and states)? */
export function readsAll(role: Role, type: string): boolean {
  const def = (ENTITIES as Record<string, EntityDef>)[type];
  if (!def) return false;
  return (def.readers ?? (def.sensitive ? TASK_FORCE : null))?.includes(role) ?? true;
}

/** The owning capability's word on one of its rows: may this caller read it? (e.g. an agency its own organisation's sites) */
export type RowReader = (q: Queryable, p: Principal, id: string) => Promise<boolean>;
const rowReaders = new Map<string, RowReader>();

/** Lets a capability say who else may read one of its rows (and so its salt), without the ledger reading its tables. */
export function registerRowReader(type: EntityType, fn: RowReader): void {
  rowReaders.set(type, fn);
}

/** May this caller read this row, and so its salt and state? */
export async function mayReadRow(q: Queryable, p: Principal, type: string, id: string): Promise<boolean> {
  if (readsAll(p.role, type)) return true;
  const fn = rowReaders.get(type);
  return fn ? fn(q, p, id) : false;
}

/** The canonical state from a row as written (INSERT/UPDATE ... RETURNING *): the same as loadStates reads back. */
export function stateFromRow(type: EntityType, row: Row): Row {
  const def: EntityDef = ENTITIES[type];
  const state: Row = {};
  for (const c of sortedColumns(type, def)) state[c] = plain(row[c]);
  return withoutAbsent(def, state);
}

const sorted = new Map<string, string[]>();
const sortedColumns = (type: string, def: EntityDef) => sorted.get(type) ?? (sorted.set(type, [...def.columns].sort()), sorted.get(type)!);

function withoutAbsent(def: EntityDef, state: Row): Row {
  for (const c of def.added ?? []) if (state[c] === null || state[c] === undefined) delete state[c];
  return state;
}

/** Canonical states of some entities of one type (all when ids is omitted), by id. */
export async function loadStates(q: Queryable, type: EntityType, ids?: string[]): Promise<Map<string, Row>> {
  return new Map([...(await loadRows(q, type, ids))].map(([id, r]) => [id, r.state]));
}

/** Canonical states with their salts, by id. */
export async function loadRows(q: Queryable, type: EntityType, ids?: string[]): Promise<Map<string, { state: Row; salt: Buffer }>> {
  const def: EntityDef = ENTITIES[type];
  const cols = def.columns.join(', ');
  const sql = `SELECT ${cols}, encode(salt, 'hex') AS salt__ FROM ${def.table}`;
  const rows = ids ? await q.query(`${sql} WHERE id = ANY($1::uuid[])`, [ids]) : await q.query(sql);
  return new Map(
    rows.map(({ salt__, ...r }) => [String(r.id), { state: withoutAbsent(def, canonicalState(r)!), salt: Buffer.from(salt__, 'hex') }]),
  );
}
