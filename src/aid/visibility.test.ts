import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles.ts';
import { convoyView, seesAreas, type ConvoyFacts, type ConvoyView } from './visibility.ts';

const own: ConvoyFacts = { agency: 'WFP', askedPartyIds: ['P1'], cleared: false };
const cleared: ConvoyFacts = { ...own, agency: 'UNICEF', cleared: true };
const waiting: ConvoyFacts = { ...own, agency: 'UNICEF' };

// every role × (its own agency's waiting convoy, another agency's waiting one, another's approved one)
const table: [Role, string | null, string | null, ConvoyView, ConvoyView, ConvoyView][] = [
  ['admin', null, null, 'full', 'full', 'full'],
  ['cochair', 'USA', null, 'full', 'full', 'full'],
  ['secretariat', null, null, 'full', 'full', 'full'],
  ['monitor', null, null, 'full', 'full', 'full'],
  ['agency', null, 'WFP', 'full', null, 'route'],
  ['analyst', null, null, null, null, null],
  ['public', null, null, null, null, null],
];

describe('convoyView', () => {
  it('covers every role', () => {
    expect([...table.map((r) => r[0]), 'liaison'].sort()).toEqual([...ROLES].sort());
  });
  it.each(table)('%s', (role, partyId, organisation, a, b, c) => {
    const v = { role, partyId, organisation };
    expect([convoyView(v, own), convoyView(v, waiting), convoyView(v, cleared)]).toEqual([a, b, c]);
  });
  it.each([
    ['a liaison of a party asked', 'P1', own, 'full'],
    ['a liaison of a party asked, once approved', 'P1', cleared, 'full'],
    ['a liaison of another party', 'P2', own, null],
    ['a liaison of another party, once approved', 'P2', cleared, null],
    ['a liaison of no party', null, own, null],
  ] as const)('%s', (_n, partyId, c, out) => {
    expect(convoyView({ role: 'liaison', partyId, organisation: null }, c)).toBe(out);
  });
  it('an agency without an organisation sees no waiting convoy but its own', () => {
    expect(convoyView({ role: 'agency', accountId: 'a1', partyId: null, organisation: null }, { ...own, agency: 'WFP', requestedBy: 'a2' })).toBe(null);
    expect(convoyView({ role: 'agency', accountId: 'a1', partyId: null, organisation: null }, { ...own, agency: 'Agency a1', requestedBy: 'a1' })).toBe('full');
  });
  it.each(ROLES.map((r) => [r]))('%s reads the besieged areas and figures', (role) => {
    expect(seesAreas({ role, partyId: null, organisation: null })).toBe(true);
  });
});
