import type { Queryable, Row } from '../db/db.ts';
import { recordedBefore } from '../ledger/lookup.ts';
import type { DesignationEvent, EventType, StatusEvent } from './status.ts';

export const KINDS = ['state_force', 'coalition', 'non_state_armed_group', 'other'] as const;
export type Kind = (typeof KINDS)[number];

export interface PartyRecord {
  id: string;
  name: string;
  aliases: string[];
  kind: Kind;
  homeState: string | null;
  operatesIn: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface DesignationRecord {
  id: string;
  seq: number;
  partyId: string;
  designated: boolean;
  basis: string | null;
  since: Date | null;
  recordedBy: string | null;
  recordedAt: Date;
}

export interface CommitmentRecord extends StatusEvent {
  id: string;
  partyId: string;
  termsId: string;
  viaPartyId: string;
  note: string | null;
  late: boolean;
  recordedBy: string | null;
  recordedAt: Date;
}

export interface PartyInput {
  name: string;
  aliases: string[];
  kind: Kind;
  homeState: string | null;
  operatesIn: string[];
}

const toParty = (r: Row): PartyRecord => ({
  id: r.id,
  name: r.name,
  aliases: r.aliases,
  kind: r.kind,
  homeState: r.home_state,
  operatesIn: r.operates_in,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toCommitment = (r: Row): CommitmentRecord => ({
  id: r.id,
  seq: r.seq,
  partyId: r.party_id,
  termsId: r.terms_id,
  type: r.type,
  at: r.at,
  viaPartyId: r.via_party_id,
  note: r.note,
  late: r.late,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

export async function listParties(q: Queryable, f: { kind?: Kind; ids?: string[] } = {}): Promise<PartyRecord[]> {
  const rows = await q.query('SELECT * FROM parties WHERE ($1::text IS NULL OR kind = $1) AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))', [f.kind ?? null, f.ids ?? null]);
  return rows.map(toParty);
}

export async function getParty(q: Queryable, id: string): Promise<PartyRecord | null> {
  const [r] = await q.query('SELECT * FROM parties WHERE id = $1', [id]);
  return r ? toParty(r) : null;
}

export async function findPartyByName(q: Queryable, name: string): Promise<PartyRecord | null> {
  const [r] = await q.query('SELECT * FROM parties WHERE lower(name) = lower($1)', [name]);
  return r ? toParty(r) : null;
}

/** Writes return the row as stored too, for the ledger to hash without reading it back. */
export type { Written } from '../db/db.ts';
import type { Written } from '../db/db.ts';

export async function insertParty(q: Queryable, p: PartyInput, createdBy: string | null, id?: string): Promise<Written<PartyRecord>> {
  const [r] = await q.query(
    `INSERT INTO parties (id, name, aliases, kind, home_state, operates_in, created_by)
     VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7) RETURNING *`,
    [id ?? null, p.name, p.aliases, p.kind, p.homeState, p.operatesIn, createdBy],
  );
  return { ...toParty(r), row: r };
}

export async function updateParty(q: Queryable, id: string, p: PartyInput): Promise<Written<PartyRecord>> {
  const [r] = await q.query(
    `UPDATE parties SET name = $2, aliases = $3, kind = $4, home_state = $5, operates_in = $6, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, p.name, p.aliases, p.kind, p.homeState, p.operatesIn],
  );
  return { ...toParty(r), row: r };
}

/** Commitment events of some parties (all when ids is omitted), oldest first. */
export async function listCommitments(q: Queryable, partyIds?: string[]): Promise<CommitmentRecord[]> {
  const rows = partyIds
    ? await q.query('SELECT * FROM commitments WHERE party_id = ANY($1::uuid[]) ORDER BY at, seq', [partyIds])
    : await q.query('SELECT * FROM commitments ORDER BY at, seq');
  return rows.map(toCommitment);
}

export interface NewCommitment {
  partyId: string;
  termsId: string;
  type: EventType;
  at: Date;
  viaPartyId: string;
  note: string | null;
  late: boolean;
}

export async function insertCommitment(q: Queryable, c: NewCommitment, recordedBy: string | null): Promise<Written<CommitmentRecord>> {
  const [r] = await q.query(
    `INSERT INTO commitments (party_id, terms_id, type, at, via_party_id, note, late, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [c.partyId, c.termsId, c.type, c.at, c.viaPartyId, c.note, c.late, recordedBy],
  );
  return { ...toCommitment(r), row: r };
}

/** Serialises commitment writes of one party, so two concurrent events are checked in turn. */
export async function lockParty(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM parties WHERE id = $1 FOR UPDATE', [id])).length > 0;
}

const toDesignation = (r: Row): DesignationRecord => ({
  id: r.id,
  seq: r.seq,
  partyId: r.party_id,
  designated: r.designated,
  basis: r.basis,
  since: r.since,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

/** Designation events of some parties (all when ids is omitted), in effect order. */
export async function listDesignations(q: Queryable, partyIds?: string[]): Promise<DesignationRecord[]> {
  const rows = partyIds
    ? await q.query('SELECT * FROM designations WHERE party_id = ANY($1::uuid[]) ORDER BY since NULLS FIRST, seq', [partyIds])
    : await q.query('SELECT * FROM designations ORDER BY since NULLS FIRST, seq');
  return rows.map(toDesignation);
}

export async function insertDesignation(
  q: Queryable,
  d: { partyId: string; designated: boolean; basis: string | null; since: Date | null },
  recordedBy: string | null,
): Promise<Written<DesignationRecord>> {
  const [r] = await q.query('INSERT INTO designations (party_id, designated, basis, since, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
    d.partyId,
    d.designated,
    d.basis,
    d.since,
    recordedBy,
  ]);
  return { ...toDesignation(r), row: r };
}

/** A party with its designation and commitment events, as plain data for in-memory indexes (vetting). */
export interface PartyTimeline {
  id: string;
  name: string;
  homeState: string | null;
  operatesIn: string[];
  designations: DesignationEvent[];
  events: StatusEvent[];
}

/**
 * Every party with its designation and commitment events as of the version (null: now); names
 * and states as they are now. Three statements whatever the number of parties.
 */
export async function partyTimelines(q: Queryable, version: number | null): Promise<PartyTimeline[]> {
  const parties = await q.query('SELECT id, name, home_state, operates_in FROM parties ORDER BY id');
  const des = await q.query(`SELECT x.party_id, x.designated, x.since, x.seq FROM designations x WHERE ${recordedBefore('designation', version, 'x')}`);
  const evs = await q.query(`SELECT x.party_id, x.type, x.at, x.seq FROM commitments x WHERE ${recordedBefore('commitment', version, 'x')}`);
  const out = new Map<string, PartyTimeline>(
    parties.map((p) => [p.id, { id: p.id, name: p.name, homeState: p.home_state, operatesIn: p.operates_in ?? [], designations: [], events: [] }]),
  );
  for (const d of des) out.get(d.party_id)?.designations.push({ designated: d.designated, since: d.since ? new Date(d.since) : null, seq: Number(d.seq) });
  for (const e of evs) out.get(e.party_id)?.events.push({ type: e.type, at: new Date(e.at), seq: Number(e.seq) });
  return [...out.values()];
}
