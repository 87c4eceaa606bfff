import { describe, expect, it } from 'vitest';
import { checkNewEvent, statusAt, type DesignationEvent, type EventType, type StatusEvent } from './status.ts';

const t = (d: string) => new Date(`2016-02-${d}T00:00:00Z`);
const ev = (type: EventType, day: string, seq: number): StatusEvent => ({ type, at: t(day), seq });
const open: DesignationEvent[] = [];
const listed = (since: Date | null, seq = 1, designated = true): DesignationEvent => ({ designated, since, seq });

describe('statusAt', () => {
  const history = [ev('committed', '23', 1), ev('suspended', '25', 2), ev('reinstated', '26', 3), ev('withdrawn', '28', 4)];
  it.each([
    ['20', 'not_committed'],
    ['23', 'committed'],
    ['24', 'committed'],
    ['25', 'suspended'],
    ['27', 'committed'],
    ['28', 'withdrawn'],
  ])('at 2016-02-%s is %s', (day, want) => {
    expect(statusAt(open, history, t(day))).toBe(want);
  });

  it.each([
    ['listed from the beginning', [listed(null)], '01', 'designated'],
    ['listed later, before the listing', [listed(t('24'))], '23', 'committed'],
    ['listed later, from the listing', [listed(t('24'))], '24', 'designated'],
    ['listed then delisted', [listed(t('24')), listed(t('26'), 2, false)], '27', 'committed'],
    ['listed then delisted, in between', [listed(t('24')), listed(t('26'), 2, false)], '25', 'designated'],
    ['a delisting recorded first but effective later', [listed(t('26'), 1, false), listed(t('24'), 2)], '25', 'designated'],
  ] as [string, DesignationEvent[], string, string][])('%s: at day %s', (_n, d, day, want) => {
    expect(statusAt(d, history, t(day))).toBe(want);
  });

  it('orders events by time, then by the order they were recorded', () => {
    const same = [ev('committed', '23', 2), ev('withdrawn', '23', 5), ev('committed', '23', 9)];
    expect(statusAt(open, same, t('23'))).toBe('committed');
    expect(statusAt(open, same.slice(0, 2), t('23'))).toBe('withdrawn');
  });
});

describe('checkNewEvent', () => {
  it.each<[string, StatusEvent[], EventType, string, string | null]>([
    ['first commitment', [], 'committed', '23', null],
    ['withdraw without commitment', [], 'withdrawn', '23', 'cannot follow the status "not_committed"'],
    ['commit twice', [ev('committed', '23', 1)], 'committed', '24', 'cannot follow the status "committed"'],
    ['suspend then reinstate', [ev('committed', '23', 1), ev('suspended', '24', 2)], 'reinstated', '25', null],
    ['reinstate when committed', [ev('committed', '23', 1)], 'reinstated', '25', 'cannot follow the status "committed"'],
    ['withdraw while suspended', [ev('committed', '23', 1), ev('suspended', '24', 2)], 'withdrawn', '25', null],
    ['recommit after withdrawal', [ev('committed', '23', 1), ev('withdrawn', '24', 2)], 'committed', '25', null],
    ['backdated event that breaks a later one', [ev('committed', '23', 1), ev('withdrawn', '26', 2)], 'withdrawn', '24', 'existing "withdrawn" event'],
    ['backdated commitment before existing withdrawal', [ev('withdrawn', '26', 1)].slice(1), 'committed', '20', null],
  ])('%s', (_name, events, type, day, want) => {
    const got = checkNewEvent(events, { type, at: t(day) });
    if (want === null) expect(got).toBeNull();
    else expect(got).toContain(want);
  });
});
