// Vetting's data: its own tables (decisions, flags, budgets, the grid's secret) in SQL here; the
// data a decision reads (territory, sites, corridors, parties) through its owners' lookups.
import { convoyCorridors, convoyOfEvents, CORRIDOR_TYPES } from '../aid/lookup.ts';
import { accountsByIds } from '../auth/lookup.ts';
import type { Queryable, Row } from '../db/db.ts';
import { entitiesBetween, firstLeavesOf, logSize } from '../ledger/lookup.ts';
import { partyTimelines } from '../parties/lookup.ts';
import { corridorRoutes, siteAreas, sitesOfEvents } from '../sites/lookup.ts';
import { territoryAreas } from '../territory/lookup.ts';
import type { CorridorData, PartyData, SiteData, Snapshot, TerritoryData } from './model.ts';

/**
 * The data a decision reads lives with its owners (territory, sites, parties): each loads its
 * rows in bulk, as of a version of the record (null: now; a row counts once its ledger leaf
 * precedes the version), through its lookup. Every row is immutable and written with its leaf,
 * so that is exactly the data as it was then.
 */
export async function loadTerritories(q: Queryable, version: number | null, ids: string[] | null = null, known: string[] = []): Promise<TerritoryData[]> {
  return territoryAreas(q, version, ids, known);
}

/** Sites with their withdrawals and rejections as of the version folded into their windows. */
export async function loadSites(q: Queryable, version: number | null, ids: string[] | null = null): Promise<SiteData[]> {
  return siteAreas(q, version, ids);
}

/** Recorded corridors and approved convoys' routes (aid), as of the version. */
export async function loadCorridors(q: Queryable, version: number | null, ids: string[] | null = null): Promise<CorridorData[]> {
  return [...(await corridorRoutes(q, version, ids)), ...(await convoyCorridors(q, version, ids))];
}

/** Parties with their designation and commitment events as of the version (names and states as they are now). */
export async function loadParties(q: Queryable, version: number | null): Promise<PartyData[]> {
  return partyTimelines(q, version);
}

export const ledgerSize = logSize;

/** All the data as of `version`, or as of now (in one transaction, so the rows and the size agree); territories in `known` come without coordinates. */
export async function loadSnapshot(q: Queryable, version: number | null, known: string[] = []): Promise<Snapshot> {
  const v = version ?? (await ledgerSize(q));
  const [territories, sites, corridors, parties] = [await loadTerritories(q, version, null, known), await loadSites(q, version), await loadCorridors(q, version), await loadParties(q, version)];
  return { version: v, territories, sites, corridors, parties };
}

/** The entity types whose rows a decision reads. */
export const INDEXED = ['territory', 'site', 'site_event', 'corridor', 'party', 'designation', 'commitment', ...CORRIDOR_TYPES];

/**
 * What changed since `from`: the entity types and ids of the leaves appended since. A site
 * event (withdrawal, rejection) changes its site, so it is named as that site; a convoy or one of
 * its events changes the convoy's corridor, named as that corridor (the convoy's id).
 */
export async function changedSince(q: Queryable, from: number): Promise<{ size: number; changed: { type: string; id: string }[] }> {
  const size = await ledgerSize(q);
  if (size <= from) return { size, changed: [] };
  const named = await entitiesBetween(q, from, size, INDEXED);
  const siteOf = await sitesOfEvents(q, named.filter((c) => c.type === 'site_event').map((c) => c.id));
  const convoyOf = await convoyOfEvents(q, named.filter((c) => c.type === 'convoy_event').map((c) => c.id));
  const seen = new Set<string>();
  const changed: { type: string; id: string }[] = [];
  for (const c of named) {
    const one =
      c.type === 'site_event' ? { type: 'site', id: siteOf.get(c.id) }
      : c.type === 'convoy_event' ? { type: 'corridor', id: convoyOf.get(c.id) }
      : c.type === 'convoy' ? { type: 'corridor', id: c.id }
      : c;
    if (one.id === undefined || seen.has(`${one.type}/${one.id}`)) continue;
    seen.add(`${one.type}/${one.id}`);
    changed.push({ type: one.type, id: one.id });
  }
  return { size, changed };
}

export interface NewVetting {
  id: string;
  target: unknown;
  radius_m: number | null;
  at: string;
  requesting_party_id: string;
  home_state: string | null;
  operates_in: string[];
  note: string | null;
  decision: string;
  reasons: unknown;
  data_version: number;
  requested_by: string | null;
  requested_role: string;
  told_decision: string;
  told_reasons: unknown;
  told_basis: string;
  grid_m: number | null;
}

/**
 * Many decisions in one statement (a grouped commit), each returned as a row as stored: what the
 * database made (seq, requested_at, salt) read back, the rest as given, its JSON as the database
 * gives it back (the same JSON text, parsed). At full size a decision's reasons are ~1 KB;
 * reading them back cost PGlite, on the server's thread, as much as writing them. The batch
 * test verifies these rows' ledger states against the stored rows.
 */
export async function insertVettings(q: Queryable, rows: NewVetting[]): Promise<Row[]> {
  const json = JSON.stringify(rows);
  const made = await q.query(
    `INSERT INTO vettings (id, target, radius_m, at, requesting_party_id, home_state, operates_in, note, decision, reasons, data_version, requested_by, requested_role,
       told_decision, told_reasons, told_basis, grid_m)
     SELECT id, target, radius_m, at, requesting_party_id, home_state, operates_in, note, decision, reasons, data_version, requested_by, requested_role,
       told_decision, told_reasons, told_basis, grid_m
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, target jsonb, radius_m float8, at timestamptz, requesting_party_id uuid, home_state text,
       operates_in text[], note text, decision text, reasons jsonb, data_version bigint, requested_by uuid, requested_role text,
       told_decision text, told_reasons jsonb, told_basis text, grid_m float8)
     RETURNING id, seq, requested_at, salt`,
    [json],
  );
  const given = new Map((JSON.parse(json) as NewVetting[]).map((r) => [r.id, r]));
  return made.map((m) => {
    const row = given.get(String(m.id))!;
    return { ...row, at: new Date(row.at), seq: m.seq, requested_at: m.requested_at, salt: m.salt };
  });
}

export async function getVetting(q: Queryable, id: string): Promise<Row | null> {
  const [r] = await q.query('SELECT * FROM vettings WHERE id = $1', [id]);
  return r ?? null;
}

export interface VettingFilter {
  requestedBy?: string;
  requestingPartyId?: string;
  decision?: string;
  /** A reason code, in the exact reasons or in what the caller was told. */
  reason?: string;
  from?: string;
  to?: string;
  limit: number;
  before?: { at: string; seq: number };
}

/**
 * The audit trail, newest first (keyset on requested_at, seq). Each row carries `requested_at_key`,
 * its time to the microsecond as stored: a Date holds milliseconds (rounded), and a cursor
 * rounded up past the time of a page's last row brought back that page's rows of the same commit.
 */
export async function listVettings(q: Queryable, f: VettingFilter): Promise<Row[]> {
  return q.query(
    `SELECT *, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS requested_at_key FROM vettings
     WHERE ($1::uuid IS NULL OR requested_by = $1) AND ($2::uuid IS NULL OR requesting_party_id = $2) AND ($3::text IS NULL OR decision = $3)
       AND ($4::timestamptz IS NULL OR requested_at >= $4) AND ($5::timestamptz IS NULL OR requested_at < $5)
       AND ($6::timestamptz IS NULL OR (requested_at, seq) < ($6::timestamptz, $7::bigint))
       AND ($9::jsonb IS NULL OR reasons @> $9 OR told_reasons @> $9)
     ORDER BY requested_at DESC, seq DESC LIMIT $8`,
    [f.requestedBy ?? null, f.requestingPartyId ?? null, f.decision ?? null, f.from ?? null, f.to ?? null, f.before?.at ?? null, f.before?.seq ?? 0, f.limit, f.reason ? JSON.stringify([{ code: f.reason }]) : null],
  );
}

/** The seq of each decision's ledger leaf (one statement for a page), for the history's links. */
export async function leafSeqs(q: Queryable, ids: string[]): Promise<Map<string, number>> {
  const leaves = await firstLeavesOf(q, 'vetting', ids, 'vetting.decided');
  return new Map([...leaves].map(([id, l]) => [id, Number(l.seq)]));
}

/** Each account's latest flag event (flagged or lifted), for the accounts `where` picks. */
const LATEST_FLAGS = (where: string) => `SELECT DISTINCT ON (account_id) account_id, event, at FROM vetting_flags WHERE ${where} ORDER BY account_id, seq DESC`;

/**
 * Per account over a window: how often it asked, hit a protected site (the exact view), was
 * referred (the told view) and was refused by the rate limiter; and every account flagged now,
 * whether or not it asked in the window. Flagged accounts first, the latest flag first. Each row
 * carries the account's name and role (from auth's lookup; null for decisions by no account).
 */
export async function auditSummary(q: Queryable, from: string, to: string): Promise<Row[]> {
  const rows = await q.query(
    `WITH v AS (
       SELECT requested_by AS account_id, count(*)::int AS requests,
              count(*) FILTER (WHERE decision = 'prohibited')::int AS prohibited,
              count(*) FILTER (WHERE reasons @> '[{"code":"PROTECTED_SITE"}]')::int AS site_hits,
              count(*) FILTER (WHERE told_reasons @> '[{"code":"REFERRED_TO_TASK_FORCE"}]')::int AS referrals,
              max(requested_at) AS last_at
       FROM vettings WHERE requested_at >= $1 AND requested_at < $2 GROUP BY requested_by),
     r AS (
       SELECT account_id, sum(refused)::int AS rate_limited FROM vetting_rate_refusals
       WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND day <= ($2::timestamptz AT TIME ZONE 'UTC')::date GROUP BY account_id),
     f AS (${LATEST_FLAGS('true')}),
     ids AS (SELECT account_id FROM v UNION SELECT account_id FROM r UNION SELECT account_id FROM f WHERE event = 'flagged')
     SELECT ids.account_id, coalesce(v.requests, 0) AS requests, coalesce(v.prohibited, 0) AS prohibited,
            coalesce(v.site_hits, 0) AS site_hits, coalesce(v.referrals, 0) AS referrals, coalesce(r.rate_limited, 0) AS rate_limited,
            v.last_at, CASE WHEN f.event = 'flagged' THEN f.at END AS flagged_at
     FROM ids LEFT JOIN v ON v.account_id IS NOT DISTINCT FROM ids.account_id LEFT JOIN r ON r.account_id = ids.account_id
       LEFT JOIN f ON f.account_id = ids.account_id
     ORDER BY (f.event = 'flagged') IS TRUE DESC, f.at DESC, requests DESC, ids.account_id`,
    [from, to],
  );
  const accounts = await accountsByIds(q, rows.filter((r) => r.account_id).map((r) => String(r.account_id)));
  return rows.map((r) => {
    const a = r.account_id ? accounts.get(String(r.account_id)) : undefined;
    return { ...r, name: a?.name ?? null, role: a?.role ?? null };
  });
}

/** The secret the coarse grid's offset is derived from (one row, made by migration 009). */
export async function gridSecret(q: Queryable): Promise<Uint8Array> {
  const [r] = await q.query('SELECT secret FROM vetting_grid WHERE id = 1');
  if (!r) throw new Error('vetting_grid has no secret: run the migrations');
  return new Uint8Array(r.secret);
}

/** Serialises the budget of these accounts across transactions and instances until commit. */
export async function lockBudgets(q: Queryable, accountIds: string[]): Promise<void> {
  if (!accountIds.length) return;
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('vetting-budget:' || id, 0)) FROM unnest($1::text[]) AS u (id) ORDER BY u.id`, [[...new Set(accountIds)].sort()]);
}

/**
 * Each account's budget: flagged when its latest flag event is 'flagged'; referrals told to it
 * since the start of the UTC day, or since its flag was last lifted if that was later.
 */
export async function budgets(q: Queryable, accountIds: string[], dayStart: string): Promise<Map<string, { flagged: boolean; referrals: number }>> {
  const rows = await q.query(
    `WITH f AS (${LATEST_FLAGS('account_id = ANY($1::uuid[])')})
     SELECT u.account::text AS account_id, coalesce(f.event = 'flagged', false) AS flagged,
            (SELECT count(*)::int FROM vettings v WHERE v.requested_by = u.account AND v.told_reasons @> '[{"code":"REFERRED_TO_TASK_FORCE"}]'
               AND v.requested_at >= greatest($2::timestamptz, CASE WHEN f.event = 'lifted' THEN f.at END)) AS referrals
     FROM unnest($1::uuid[]) AS u (account) LEFT JOIN f ON f.account_id = u.account`,
    [accountIds, dayStart],
  );
  return new Map(rows.map((r) => [r.account_id, { flagged: r.flagged, referrals: r.referrals }]));
}

/** The latest flag event of an account, or null. */
export async function latestFlag(q: Queryable, accountId: string): Promise<Row | null> {
  const [r] = await q.query('SELECT * FROM vetting_flags WHERE account_id = $1 ORDER BY seq DESC LIMIT 1', [accountId]);
  return r ?? null;
}

export async function insertFlag(
  q: Queryable,
  f: { accountId: string; event: 'flagged' | 'lifted'; referrals?: number | null; reason?: string | null; recordedBy?: string | null },
): Promise<Row> {
  const [r] = await q.query('INSERT INTO vetting_flags (account_id, event, referrals, reason, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
    f.accountId,
    f.event,
    f.referrals ?? null,
    f.reason ?? null,
    f.recordedBy ?? null,
  ]);
  return r;
}

/** Counts requests (targets) the rate limiter refused (operational state, like lock-out counters; not a record). */
export async function countRefusal(q: Queryable, accountId: string, day: string, n = 1): Promise<void> {
  await q.query(
    `INSERT INTO vetting_rate_refusals (account_id, day, refused, last_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (account_id, day) DO UPDATE SET refused = vetting_rate_refusals.refused + $3, last_at = now()`,
    [accountId, day, n],
  );
}
