import type { Queryable, Row } from '../db/db.ts';

export interface TermsRecord {
  id: string;
  name: string;
  text: string;
  announcedAt: Date | null;
  commitmentDeadline: Date;
  startsAt: Date;
  cochairPartyIds: string[];
  createdAt: Date;
}

export interface TermsInput {
  name: string;
  text: string;
  announcedAt: Date | null;
  commitmentDeadline: Date;
  startsAt: Date;
  cochairPartyIds: string[];
}

const toTerms = (r: Row): TermsRecord => ({
  id: r.id,
  name: r.name,
  text: r.text,
  announcedAt: r.announced_at,
  commitmentDeadline: r.commitment_deadline,
  startsAt: r.starts_at,
  cochairPartyIds: r.cochair_party_ids,
  createdAt: r.created_at,
});

export async function listTerms(q: Queryable): Promise<TermsRecord[]> {
  return (await q.query('SELECT * FROM terms ORDER BY created_at, id')).map(toTerms);
}

export async function getTerms(q: Queryable, id: string): Promise<TermsRecord | null> {
  const [r] = await q.query('SELECT * FROM terms WHERE id = $1', [id]);
  return r ? toTerms(r) : null;
}

export async function insertTerms(q: Queryable, t: TermsInput, createdBy: string | null, id?: string): Promise<TermsRecord & { row: Row }> {
  const [r] = await q.query(
    `INSERT INTO terms (id, name, text, announced_at, commitment_deadline, starts_at, cochair_party_ids, created_by)
     VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [id ?? null, t.name, t.text, t.announcedAt, t.commitmentDeadline, t.startsAt, t.cochairPartyIds, createdBy],
  );
  return { ...toTerms(r), row: r };
}

/** Ids of the parties that co-chair any terms. */
export async function cochairPartyIds(q: Queryable): Promise<Set<string>> {
  const rows = await q.query('SELECT DISTINCT unnest(cochair_party_ids) AS id FROM terms');
  return new Set(rows.map((r) => r.id as string));
}

/** The terms a commitment through this co-chair belongs to by default: the latest it co-chairs. */
export async function latestTermsOf(q: Queryable, cochairId: string): Promise<TermsRecord | null> {
  const [r] = await q.query('SELECT * FROM terms WHERE $1 = ANY(cochair_party_ids) ORDER BY created_at DESC, id DESC LIMIT 1', [cochairId]);
  return r ? toTerms(r) : null;
}
