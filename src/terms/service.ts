import { ApiError } from '../http/errors.ts';
import { isDesignatedAt } from '../parties/status.ts';
import { getParty, listDesignations } from '../parties/lookup.ts';
import type { Writer } from '../ledger/ledger.ts';
import type { TermsCreate } from './schemas.ts';
import { insertTerms, listTerms, type TermsRecord } from './store.ts';

export async function createTerms({ q, actor, record }: Writer, b: TermsCreate, id?: string): Promise<TermsRecord> {
  const announcedAt = b.announcedAt ? new Date(b.announcedAt) : null;
  const deadline = new Date(b.commitmentDeadline);
  const startsAt = new Date(b.startsAt);
  if (deadline > startsAt) throw new ApiError('INCONSISTENT', 'The commitment deadline must not be after the start of the ceasefire.', 'commitmentDeadline');
  if (announcedAt && announcedAt > deadline) throw new ApiError('INCONSISTENT', 'The terms must be announced before the commitment deadline.', 'announcedAt');
  const listings = await listDesignations(q, b.cochairPartyIds);
  for (const [i, pid] of b.cochairPartyIds.entries()) {
    const party = await getParty(q, pid);
    if (!party) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${pid}.`, `cochairPartyIds.${i}`);
    if (isDesignatedAt(listings.filter((d) => d.partyId === pid), announcedAt ?? startsAt)) {
      throw new ApiError('INCONSISTENT', `${party.name} is designated and cannot co-chair a ceasefire.`, `cochairPartyIds.${i}`);
    }
  }
  const clash = (await listTerms(q)).find((t) => t.name.toLowerCase() === b.name.toLowerCase());
  if (clash) throw new ApiError('DUPLICATE', `Terms named "${clash.name}" already exist (${clash.id}).`, 'name', { existingId: clash.id });
  const input = { name: b.name.trim(), text: b.text ?? '', announcedAt, commitmentDeadline: deadline, startsAt, cochairPartyIds: b.cochairPartyIds };
  const t = await insertTerms(q, input, actor.accountId, id);
  record('terms.created', 'terms', t.row);
  return t;
}
