import { describe, expect, it } from 'vitest';
import { approvalStep, CONVOY_STATES, corridorWindow, fold, removedFault, transition, type ConvoyEvent, type ConvoyState, type Step } from './convoy.ts';

describe('transition', () => {
  const table: [Step, Partial<Record<ConvoyState, ConvoyState>>][] = [
    ['approve', { requested: 'approved' }],
    ['revert', { approved: 'requested' }],
    ['dispatch', { approved: 'dispatched' }],
    ['deliver', { dispatched: 'delivered' }],
    ['deliver_partially', { dispatched: 'partially_delivered' }],
    ['block', { dispatched: 'blocked' }],
    ['cancel', { requested: 'cancelled', approved: 'cancelled' }],
  ];
  for (const [step, allowed] of table) {
    it.each(CONVOY_STATES.map((s) => [s, allowed[s] ?? null] as const))(`${step} from %s → %s`, (from, to) => {
      expect(transition(from, step)).toBe(to);
    });
  }
});

const ev = (type: ConvoyEvent['type'], at: number, partyId: string | null = null, data: ConvoyEvent['data'] = {}, reportId: string | null = null): ConvoyEvent => ({ type, at, partyId, data, reportId });

describe('fold', () => {
  it.each<[string, ConvoyEvent[], Partial<ReturnType<typeof fold>>]>([
    ['just requested', [ev('requested', 1), ev('approval_added', 1, 'A', { reason: 'territory' })], { state: 'requested', cleared: false, approvals: [{ partyId: 'A', reason: 'territory', status: 'pending', waitingSince: 1 }] }],
    ['granted with conditions', [ev('requested', 1), ev('approval_added', 1, 'A', { reason: 'territory' }), ev('granted', 5, 'A', { conditions: 'escort' })], { approvals: [{ partyId: 'A', reason: 'territory', status: 'granted', conditions: 'escort', decidedAt: 5, waitingSince: 1 }] }],
    ['denied with a reason', [ev('requested', 1), ev('approval_added', 1, 'A', { reason: 'besieger' }), ev('denied', 5, 'A', { reason: 'no' })], { approvals: [{ partyId: 'A', reason: 'besieger', status: 'denied', denialReason: 'no', decidedAt: 5, waitingSince: 1 }] }],
    ['dropped', [ev('requested', 1), ev('approval_added', 1, 'A', { reason: 'territory' }), ev('approval_dropped', 3, 'A')], { approvals: [] }],
    ['approved clears', [ev('requested', 1), ev('approved', 2)], { state: 'approved', cleared: true }],
    ['reverted does not', [ev('requested', 1), ev('approved', 2), ev('reverted', 3)], { state: 'requested', cleared: false }],
    ['cancelled while approved: cleared until then', [ev('requested', 1), ev('approved', 2), ev('cancelled', 9)], { state: 'cancelled', cleared: true, cancelledAt: 9 }],
    ['cancelled while waiting: never cleared', [ev('requested', 1), ev('cancelled', 9)], { state: 'cancelled', cleared: false }],
    ['blocked with its report', [ev('requested', 1), ev('approved', 2), ev('dispatched', 3), ev('blocked', 4, 'B', {}, 'r1')], { state: 'blocked', cleared: true, reportIds: ['r1'] }],
    ['partially delivered', [ev('requested', 1), ev('approved', 2), ev('dispatched', 3), ev('partially_delivered', 6, null, {}, 'r2')], { state: 'partially_delivered', deliveredAt: 6, reportIds: ['r2'] }],
  ])('%s', (_n, events, out) => {
    expect(fold(events)).toMatchObject(out);
  });
});

describe('approvalStep', () => {
  const a = (status: 'pending' | 'granted' | 'denied') => ({ partyId: 'A', reason: 'territory' as const, status, waitingSince: 0 });
  it.each([
    ['requested', [a('granted')], 'approve'],
    ['requested', [a('pending')], null],
    ['requested', [a('denied')], null],
    ['requested', [], 'approve'],
    ['approved', [a('granted'), { ...a('pending'), partyId: 'B' }], 'revert'],
    ['approved', [a('granted')], null],
    ['dispatched', [a('pending')], null],
  ] as const)('%s with %j → %s', (state, approvals, step) => {
    expect(approvalStep(state, [...approvals])).toBe(step);
  });
});

describe('corridorWindow', () => {
  const W = { from: 100, to: 200 };
  it.each([
    ['not cleared: empty', { cleared: false, cancelledAt: null }, { validFrom: 100, validTo: 99 }],
    ['cleared: the window', { cleared: true, cancelledAt: null }, { validFrom: 100, validTo: 200 }],
    ['cancelled within: until then', { cleared: true, cancelledAt: 150 }, { validFrom: 100, validTo: 150 }],
    ['cancelled before: empty', { cleared: true, cancelledAt: 50 }, { validFrom: 100, validTo: 50 }],
    ['cancelled after: the window', { cleared: true, cancelledAt: 500 }, { validFrom: 100, validTo: 200 }],
  ])('%s', (_n, f, out) => {
    expect(corridorWindow(f as never, W)).toEqual(out);
  });
});

describe('removedFault', () => {
  const loaded = [{ category: 'food' as const, item: 'wheat flour', quantity: 10, unit: 't' }, { category: 'medical' as const, quantity: 5, unit: 'kits' }];
  it.each([
    ['nothing removed', [], null],
    ['part of a line', [{ category: 'medical' as const, quantity: 2, unit: 'kits' }], null],
    ['all of a line', [{ category: 'food' as const, item: 'Wheat flour', quantity: 10, unit: 't' }], null],
    ['more than loaded', [{ category: 'medical' as const, quantity: 6, unit: 'kits' }], 'removed.0.quantity'],
    ['more than loaded in two lines', [{ category: 'medical' as const, quantity: 3, unit: 'kits' }, { category: 'medical' as const, quantity: 3, unit: 'kits' }], 'removed.1.quantity'],
    ['a line never loaded', [{ category: 'shelter' as const, quantity: 1, unit: 'tents' }], 'removed.0'],
    ['another unit', [{ category: 'food' as const, item: 'wheat flour', quantity: 1, unit: 'kg' }], 'removed.0'],
  ])('%s', (_n, removed, field) => {
    expect(removedFault(loaded, removed)?.field ?? null).toBe(field);
  });
});
