// The write rules of parties and commitments; routes and the demo seed both go through here.
import type { Queryable } from '../db/db.ts';
import { isAlpha3 } from '../geo/countries.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { SYSTEM, type Writer } from '../ledger/ledger.ts';
import { getTerms, latestTermsOf, listTerms, cochairPartyIds } from '../terms/lookup.ts';
import type { CommitmentCreate, PartyCreate, PartyPatch } from './schemas.ts';
import { checkNewEvent, designationAt, statusAt, type Status } from './status.ts';
import * as store from './store.ts';
import { SECRETARIAT } from '../auth/roles.ts';
import { cleanName, confusableKey } from '../http/names.ts';

function checkCountries(homeState: string | null | undefined, operatesIn: string[] | undefined) {
  if (homeState && !isAlpha3(homeState)) throw new ApiError('VALIDATION_FAILED', `${homeState} is not an ISO 3166-1 alpha-3 code.`, 'homeState');
  const bad = (operatesIn ?? []).findIndex((c) => !isAlpha3(c));
  if (bad >= 0) throw new ApiError('VALIDATION_FAILED', `${operatesIn![bad]} is not an ISO 3166-1 alpha-3 code.`, `operatesIn.${bad}`);
}

async function checkNameFree(q: Queryable, name: string, self?: string) {
  const other = await store.findPartyByName(q, name);
  if (other && other.id !== self) throw new ApiError('DUPLICATE', `A party named "${other.name}" already exists (${other.id}).`, 'name', { existingId: other.id });
}

/**
 * A new name or alias that looks like another party's (UTS #39 skeletons: a Cyrillic Н, a
 * Greek ο, a digit 1 for an l) is refused, naming the field and the party, unless the
 * secretariat (or an admin) forces it: two parties a reader cannot tell apart would make
 * every list of who committed and who is designated a place to hide.
 */
async function checkNotConfusable(q: Queryable, actor: Writer['actor'], input: store.PartyInput, fields: { name: boolean; aliases: boolean }, force: boolean | undefined, self?: string) {
  if (force) {
    if (!(SECRETARIAT as readonly string[]).includes(actor.role) && actor.role !== SYSTEM.role) throw new ApiError('FORBIDDEN', 'Only the secretariat or an admin may force a look-alike name.', 'force');
    return;
  }
  const taken = new Map<string, { party: store.PartyRecord; as: string }>();
  for (const p of await store.listParties(q)) {
    if (p.id === self) continue;
    for (const n of [p.name, ...p.aliases]) if (!taken.has(confusableKey(n))) taken.set(confusableKey(n), { party: p, as: n });
  }
  const mine: [string, string][] = [];
  if (fields.name) mine.push(['name', input.name]);
  if (fields.aliases) input.aliases.forEach((a, i) => mine.push([`aliases.${i}`, a]));
  for (const [field, n] of mine) {
    const hit = taken.get(confusableKey(n));
    if (hit) {
      throw new ApiError('CONFUSABLE_NAME', `"${n}" looks like "${hit.as}" of the party ${hit.party.name} (${hit.party.id}); a secretariat or admin may register it anyway with force: true.`, field, {
        existingId: hit.party.id,
        existingName: hit.party.name,
      });
    }
  }
}

function toInput(b: Omit<PartyCreate, 'designation'>, base?: store.PartyRecord): store.PartyInput {
  return {
    name: cleanName(b.name),
    aliases: [...new Set((b.aliases ?? base?.aliases ?? []).map(cleanName))],
    kind: b.kind,
    homeState: b.homeState !== undefined ? b.homeState : (base?.homeState ?? null),
    operatesIn: b.operatesIn ?? base?.operatesIn ?? [],
  };
}

/** Adds a listing or delisting event; the past stays as it was recorded. */
async function designate({ q, actor, record }: Writer, partyId: string, d: NonNullable<PartyCreate['designation']>, since: Date | null) {
  if (d.designated && (await cochairPartyIds(q)).has(partyId)) {
    throw new ApiError('INCONSISTENT', 'A co-chair of the terms cannot be designated; change the terms first.', 'designation.designated');
  }
  const e = await store.insertDesignation(q, { partyId, designated: d.designated, basis: d.basis ?? null, since }, actor.accountId);
  record(d.designated ? 'designation.listed' : 'designation.delisted', 'designation', e.row);
}

export async function createParty(w: Writer, b: PartyCreate, id?: string): Promise<store.PartyRecord> {
  checkCountries(b.homeState, b.operatesIn);
  const input = toInput(b);
  await checkNameFree(w.q, input.name);
  await checkNotConfusable(w.q, w.actor, input, { name: true, aliases: true }, b.force);
  const p = await store.insertParty(w.q, input, w.actor.accountId, id);
  w.record('party.created', 'party', p.row);
  if (b.designation?.designated) await designate(w, p.id, b.designation, b.designation.since ? new Date(b.designation.since) : null);
  return p;
}

export async function patchParty(w: Writer, id: string, b: PartyPatch): Promise<store.PartyRecord> {
  const cur = await store.getParty(w.q, id);
  if (!cur) throw notFound('party', id);
  checkCountries(b.homeState, b.operatesIn);
  const { designation, force, ...fields } = b;
  let p = cur;
  if (Object.keys(fields).length) {
    const input = toInput({ ...fields, name: b.name ?? cur.name, kind: b.kind ?? cur.kind }, cur);
    if (b.name) await checkNameFree(w.q, input.name, id);
    await checkNotConfusable(w.q, w.actor, input, { name: b.name !== undefined, aliases: b.aliases !== undefined }, force, id);
    const updated = await store.updateParty(w.q, id, input);
    w.record('party.updated', 'party', updated.row);
    p = updated;
  }
  // a change of designation takes effect from `since`, by default now: it never rewrites the past by accident
  if (designation) await designate(w, id, designation, designation.since ? new Date(designation.since) : new Date());
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
  if (at.getTime() > Date.now() + 5 * 60_000) throw new ApiError('INCONSISTENT', 'A commitment event cannot be dated in the future.', 'at');
  if (terms.announcedAt && at < terms.announcedAt) {
    throw new ApiError('INCONSISTENT', `"${terms.name}" were announced at ${terms.announcedAt.toISOString()}; nobody could respond to them before.`, 'at');
  }
  const listing = designationAt(await store.listDesignations(q, [partyId]), at);
  if ((b.type === 'committed' || b.type === 'reinstated') && listing?.designated) {
    throw new ApiError(
      'PARTY_DESIGNATED',
      `${party.name} is designated${listing.basis ? ` (${listing.basis})` : ''} at that time and is excluded from the cessation; it cannot commit.`,
      'type',
    );
  }
  const history = await store.listCommitments(q, [partyId]);
  const wrong = checkNewEvent(history, { type: b.type, at });
  if (wrong) throw new ApiError('INVALID_TRANSITION', `${party.name}: ${wrong}.`, 'type');
  const late = b.type === 'committed' && at > terms.commitmentDeadline;
  const c = await store.insertCommitment(q, { partyId, termsId: terms.id, type: b.type, at, viaPartyId: via.id, note: b.note ?? null, late }, actor.accountId);
  record(`commitment.${b.type}`, 'commitment', c.row);
  return c;
}

export interface PartyView extends store.PartyRecord {
  status: Status;
  /** The designation event in force at the time asked about. */
  designation: store.DesignationRecord | null;
  isCochair: boolean;
}

/** Parties with their status at `at`, derived from their events. */
export async function partiesAt(
  q: Queryable,
  at: Date,
  f: { kind?: store.Kind; ids?: string[] } = {},
): Promise<{ parties: PartyView[]; events: store.CommitmentRecord[]; designations: store.DesignationRecord[] }> {
  const parties = await store.listParties(q, f);
  const events = await store.listCommitments(q, f.ids);
  const designations = await store.listDesignations(q, f.ids);
  const cochairs = await cochairPartyIds(q);
  const byParty = groupBy(events, (e) => e.partyId);
  const listings = groupBy(designations, (d) => d.partyId);
  return {
    parties: parties.map((p) => ({
      ...p,
      status: statusAt(listings.get(p.id) ?? [], byParty.get(p.id) ?? [], at),
      designation: designationAt(listings.get(p.id) ?? [], at),
      isCochair: cochairs.has(p.id),
    })),
    events,
    designations,
  };
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
