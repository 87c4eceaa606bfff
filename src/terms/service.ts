import { ApiError } from '../http/errors.ts';
import { getParty } from '../parties/store.ts';
import type { Writer } from '../ledger/ledger.ts';
import type { TermsCreate } from './schemas.ts';
import { insertTerms, listTerms, type TermsRecord } from './store.ts';

export async function createTerms({ q, actor, record }: Writer, b: TermsCreate, id?: string): Promise<TermsRecord> {
  for (const [i, pid] of b.cochairPartyIds.entries()) {
    if (!(await getParty(q, pid))) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${pid}.`, `cochairPartyIds.${i}`);
  }
  const clash = (await listTerms(q)).find((t) => t.name.toLowerCase() === b.name.toLowerCase());
  if (clash) throw new ApiError('DUPLICATE', `Terms named "${clash.name}" already exist (${clash.id}).`, 'name', { existingId: clash.id });
  const input = { name: b.name, text: b.text ?? '', commitmentDeadline: new Date(b.commitmentDeadline), startsAt: new Date(b.startsAt), cochairPartyIds: b.cochairPartyIds };
  const t = await insertTerms(q, input, actor.accountId, id);
  record('terms.created', 'terms', t.id);
  return t;
}
