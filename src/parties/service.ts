// The write rules of parties and commitments; routes and the demo seed both go through here.
import type { Queryable } from '../db/db.ts';
import { isAlpha3 } from '../geo/countries.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import { getTerms, latestTermsOf, listTerms, cochairPartyIds } from '../terms/store.ts';
import type { CommitmentCreate, PartyCreate, PartyPatch } from './schemas.ts';
import { checkNewEvent, isDesignatedAt, statusAt, type Status } from './status.ts';
import * as store from './store.ts';

function checkCountries(homeState: string | null | undefined, operatesIn: string[] | undefined) {
  if (homeState && !isAlpha3(homeState)) throw new ApiError('VALIDATION_FAILED', `${homeState} is not an ISO 3166-1 alpha-3 code.`, 'homeState');
  const bad = (operatesIn ?? []).findIndex((c) => !isAlpha3(c));
  if (bad >= 0) throw new ApiError('VALIDATION_FAILED', `${operatesIn![bad]} is not an ISO 3166-1 alpha-3 code.`, `operatesIn.${bad}`);
}

async function checkNameFree(q: Queryable, name: string, self?: string) {
  const other = await store.findPartyByName(q, name);
  if (other && other.id !== self) throw new ApiError('DUPLICATE', `A party named "${other.name}" already exists (${other.id}).`, 'name', { existingId: other.id });
}

function toInput(b: PartyCreate, base?: store.PartyRecord): store.PartyInput {
  const d = b.designation;
  return {
    name: b.name,
    aliases: b.aliases ?? base?.aliases ?? [],
    kind: b.kind,
    homeState: b.homeState !== undefined ? b.homeState : (base?.homeState ?? null),
    operatesIn: b.operatesIn ?? base?.operatesIn ?? [],
    designated: d ? d.designated : (base?.designated ?? false),
    designationBasis: d ? (d.designated ? (d.basis ?? null) : null) : (base?.designationBasis ?? null),
    designatedSince: d ? (d.designated && d.since ? new Date(d.since) : null) : (base?.designatedSince ?? null),
  };
}

export async function createParty({ q, actor, record }: Writer, b: PartyCreate, id?: string): Promise<store.PartyRecord> {
  checkCountries(b.homeState, b.operatesIn);
  await checkNameFree(q, b.name);
  const p = await store.insertParty(q, toInput(b), actor.accountId, id);
  record('party.created', 'party', p.id);
  return p;
}

export async function patchParty({ q, record }: Writer, id: string, b: PartyPatch): Promise<store.PartyRecord> {
  const cur = await store.getParty(q, id);
  if (!cur) throw notFound('party', id);
  checkCountries(b.homeState, b.operatesIn);
  if (b.name) await checkNameFree(q, b.name, id);
  const p = await store.updateParty(q, id, toInput({ ...b, name: b.name ?? cur.name, kind: b.kind ?? cur.kind }, cur));
  record(b.designation && b.designation.designated !== cur.designated ? 'party.designation_changed' : 'party.updated', 'party', id);
  return p;
}

export async function recordCommitment({ q, actor, record }: Writer, partyId: string, b: CommitmentCreate): Promise<store.CommitmentRecord> {
  if (!(await store.lockParty(q, partyId))) throw notFound('party', partyId);
  const party = (await store.getParty(q, partyId))!;
  const via = await store.getParty(q, b.viaPartyId);
  if (!via) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${b.viaPartyId}.`, 'viaPartyId');
  let terms;
  if (b.termsId) {
    terms = await getTerms(q, b.termsId);
    if (!terms) throw new ApiError('UNKNOWN_REFERENCE', `No terms with id ${b.termsId}.`, 'termsId');
  } else {
    terms = await latestTermsOf(q, via.id);
    if (!terms) {
      if (!(await listTerms(q)).length) throw new ApiError('NO_TERMS', 'Record the terms of the ceasefire before commitments to them.', 'termsId');
      throw new ApiError('NOT_A_COCHAIR', `${via.name} co-chairs no terms; commitments are made through a co-chair.`, 'viaPartyId');
    }
  }
  if (!terms.cochairPartyIds.includes(via.id)) {
    throw new ApiError('NOT_A_COCHAIR', `${via.name} is not a co-chair of "${terms.name}".`, 'viaPartyId');
  }
  if (actor.role === 'cochair' && actor.partyId !== via.id) {
    throw new ApiError('FORBIDDEN', 'A co-chair records only the commitments made through its own channel.', 'viaPartyId');
  }
  const at = new Date(b.at);
  if ((b.type === 'committed' || b.type === 'reinstated') && isDesignatedAt(party, at)) {
    throw new ApiError(
      'PARTY_DESIGNATED',
      `${party.name} is designated${party.designationBasis ? ` (${party.designationBasis})` : ''} and is excluded from the cessation; it cannot commit.`,
      'type',
    );
  }
  const history = await store.listCommitments(q, [partyId]);
  const wrong = checkNewEvent(history, { type: b.type, at });
  if (wrong) throw new ApiError('INVALID_TRANSITION', `${party.name}: ${wrong}.`, 'type');
  const late = b.type === 'committed' && at > terms.commitmentDeadline;
  const c = await store.insertCommitment(q, { partyId, termsId: terms.id, type: b.type, at, viaPartyId: via.id, note: b.note ?? null, late }, actor.accountId);
  record(`commitment.${b.type}`, 'commitment', c.id);
  return c;
}

export interface PartyView extends store.PartyRecord {
  status: Status;
  isCochair: boolean;
}

/** Parties with their status at `at`, derived from their events. */
export async function partiesAt(q: Queryable, at: Date, f: { kind?: store.Kind; ids?: string[] } = {}): Promise<{ parties: PartyView[]; events: store.CommitmentRecord[] }> {
  let parties = await store.listParties(q, { kind: f.kind });
  if (f.ids) parties = parties.filter((p) => f.ids!.includes(p.id));
  const events = await store.listCommitments(q, f.ids);
  const cochairs = await cochairPartyIds(q);
  const byParty = new Map<string, store.CommitmentRecord[]>();
  for (const e of events) byParty.set(e.partyId, [...(byParty.get(e.partyId) ?? []), e]);
  return {
    parties: parties.map((p) => ({ ...p, status: statusAt(p, byParty.get(p.id) ?? [], at), isCochair: cochairs.has(p.id) })),
    events,
  };
}
