// Who sees what of a recorded decision (views.ts): the task force the exact view, what the caller
// was told and (in the history) the ledger links; any other role only what it was told.
import { describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { toldOf, vettingJson, vettingLinks } from './views.ts';

const exact = [{ code: 'PROTECTED_SITE', detail: 'The target is 40 m from the hospital site "H".', siteId: 's', distanceM: 40 }];
const told = [{ code: 'REFERRED_TO_TASK_FORCE', detail: 'Referred to the task force.' }];
const row = (over: Record<string, unknown> = {}) => ({
  id: 'v', decision: 'prohibited', reasons: exact, told_decision: 'review', told_reasons: told, told_basis: 'grid', requested_role: 'liaison', data_version: '7',
  target: { type: 'Point', coordinates: [36, 35] }, radius_m: null, at: new Date('2016-03-02T12:00:00Z'), requesting_party_id: 'p', note: null, requested_by: 'a', requested_at: '2026-01-01T00:00:00Z', ...over,
});

describe('vettingJson', () => {
  it.each<[Role, number | null | undefined, object]>([
    ['secretariat', undefined, { decision: 'prohibited', reasons: exact, told: { decision: 'review', reasons: told, basis: 'grid' } }],
    ['admin', 12, { decision: 'prohibited', ledgerSeq: 12, links: vettingLinks('v', 12) }],
    ['cochair', null, { ledgerSeq: null, links: { ledgerEntry: null, proof: '/api/v1/entities/vetting/v/proof', replay: '/api/v1/vetting/v/replay' } }],
    ['liaison', 12, { decision: 'review', reasons: told }],
  ])('%s (ledger seq %s)', (role, seq, want) => {
    const v = vettingJson(row(), role, seq);
    expect(v).toMatchObject(want);
    expect(v.dataVersion).toBe(7);
    expect(v.at).toBe('2016-03-02T12:00:00.000Z');
    if (role === 'liaison') for (const k of ['told', 'ledgerSeq', 'links']) expect(k in v, k).toBe(false);
    if (seq === undefined) expect('ledgerSeq' in v).toBe(false);
  });

  it('links a seq to its one ledger entry', () => {
    expect(vettingLinks('x', 41).ledgerEntry).toBe('/api/v1/ledger/entries?start=41&end=42');
  });

  it.each([
    ['stored once since migration 022 (told_reasons NULL)', null],
    ['stored twice before it', exact],
  ])('reads an exact answer’s told reasons as its reasons: %s', (_, stored) => {
    const r = row({ told_basis: 'exact', told_decision: 'prohibited', told_reasons: stored, requested_role: 'secretariat' });
    expect(toldOf(r)).toEqual({ decision: 'prohibited', reasons: exact, basis: 'exact' });
    expect(vettingJson(r, 'secretariat').told).toEqual({ decision: 'prohibited', reasons: exact, basis: 'exact' });
  });

  it('never falls back to the exact reasons for a coarse answer whose told reasons are missing', () => {
    // the database refuses such a row (migration 022's CHECK); were one there, it would tell nothing
    const r = row({ told_reasons: null });
    expect(toldOf(r).reasons).toEqual([]);
    expect(JSON.stringify(vettingJson(r, 'liaison'))).not.toContain('PROTECTED_SITE');
  });

  it('reads the told view of a decision recorded before it was kept (migration 009)', () => {
    expect(toldOf(row({ told_basis: null, requested_role: 'secretariat' }))).toEqual({ decision: 'prohibited', reasons: exact, basis: null });
    expect(toldOf(row({ told_basis: null })).reasons).toEqual([{ code: 'PROTECTED_SITE', detail: 'The target is within the buffer of a protected site.' }]);
  });
});
