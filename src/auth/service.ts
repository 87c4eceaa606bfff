import type { Queryable } from '../db/db.ts';
import type { Writer } from '../ledger/ledger.ts';
import { ApiError } from '../http/errors.ts';
import { getParty } from '../parties/lookup.ts';
import { cochairPartyIds } from '../terms/lookup.ts';
import { hashPassword } from './credentials.ts';
import { PARTY_BOUND, type Role } from './roles.ts';
import type { AccountCreate, TokenCreate } from './schemas.ts';
import * as store from './store.ts';

/** A co-chair is bound to a co-chair party, a liaison to its party; no other role is bound. */
async function checkBinding(q: Queryable, role: Role, partyId: string | null | undefined): Promise<void> {
  if (PARTY_BOUND.includes(role)) {
    if (!partyId) throw new ApiError('VALIDATION_FAILED', `The role ${role} is bound to a party: give partyId.`, 'partyId');
    const party = await getParty(q, partyId);
    if (!party) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${partyId}.`, 'partyId');
    if (role === 'cochair' && !(await cochairPartyIds(q)).has(partyId)) {
      throw new ApiError('NOT_A_COCHAIR', `${party.name} co-chairs no terms; a cochair account must be bound to a co-chair party.`, 'partyId');
    }
  } else if (partyId) {
    throw new ApiError('VALIDATION_FAILED', `The role ${role} is not bound to a party: leave partyId out.`, 'partyId');
  }
}

export async function createAccount({ q, actor, record }: Writer, b: AccountCreate): Promise<store.Account> {
  await checkBinding(q, b.role, b.partyId);
  if (await store.accountForSignIn(q, b.username)) throw new ApiError('DUPLICATE', `The user name ${b.username} is taken.`, 'username');
  const passwordHash = await hashPassword(b.password);
  const a = await store.insertAccount(q, { ...b, passwordHash }, actor.accountId);
  record('account.created', 'account', a.id);
  return a;
}

/** A token for a new service account of the given role (the API's and `truce token create`'s way). */
export async function createServiceToken(w: Writer, b: TokenCreate) {
  await checkBinding(w.q, b.role, b.partyId);
  const account = await store.insertAccount(w.q, { name: b.name, role: b.role, partyId: b.partyId, organisation: b.organisation }, w.actor.accountId);
  w.record('account.created', 'account', account.id);
  return issueToken(w, account.id, b.name);
}

/** A token for an account: the clear token is returned once and stored only as a hash. */
export async function issueToken({ q, actor, record }: Writer, accountId: string, name: string, token?: string) {
  const out = await store.insertToken(q, accountId, name, actor.accountId, token);
  record('token.issued', 'api_token', out.info.id);
  return out;
}

/** A co-chair registers the public key it cosigns tree heads with (a leaf: the key is part of the account's state). */
export async function registerSigningKey({ q, actor, record }: Writer, publicPem: string): Promise<void> {
  if (!actor.accountId) throw new Error('registerSigningKey needs an account');
  await store.setSigningKey(q, actor.accountId, publicPem);
  record('account.signing_key_set', 'account', actor.accountId);
}
