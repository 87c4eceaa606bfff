// Times the server writes into reasons (ISO 8601), shown in the page's own form (web/src/ui/format.ts), in Node.
import { describe, expect, it } from 'vitest';
import { formatUtc, timeParts, type TimePart } from '../../web/src/ui/format.ts';

describe('times in a reason', () => {
  it.each<[string, string, TimePart[]]>([
    ['no time', 'The target meets no delineated territory.', ['The target meets no delineated territory.']],
    [
      'one, as toISOString writes it',
      'The target meets territory of SAAF, committed to the cessation at 2016-02-27T00:00:00.000Z.',
      ['The target meets territory of SAAF, committed to the cessation at ', { iso: '2016-02-27T00:00:00.000Z', text: '2016-02-27 00:00Z' }, '.'],
    ],
    [
      'two',
      'the aid corridor "Route" (open 2016-02-27T06:30:00.000Z to 2016-03-31T00:00:00.000Z), within',
      ['the aid corridor "Route" (open ', { iso: '2016-02-27T06:30:00.000Z', text: '2016-02-27 06:30Z' }, ' to ', { iso: '2016-03-31T00:00:00.000Z', text: '2016-03-31 00:00Z' }, '), within'],
    ],
    ['at the very start and end', '2016-02-27T00:00Z', [{ iso: '2016-02-27T00:00Z', text: '2016-02-27 00:00Z' }]],
    ['with an offset: shown in UTC', 'at 2016-02-27T02:00:00+02:00 then', ['at ', { iso: '2016-02-27T02:00:00+02:00', text: '2016-02-27 00:00Z' }, ' then']],
    ['no zone: not a moment, left alone', 'at 2016-02-27T00:00:00 local', ['at 2016-02-27T00:00:00 local']],
    ['a date alone: left alone', 'on 2016-02-27', ['on 2016-02-27']],
    ['no such day: left alone', 'at 2016-02-30T00:00:00.000Z', ['at 2016-02-30T00:00:00.000Z']],
    ['no such hour: left alone', 'at 2016-02-27T25:00:00Z', ['at 2016-02-27T25:00:00Z']],
    ['empty', '', []],
  ])('%s', (_, text, parts) => {
    expect(timeParts(text)).toEqual(parts);
  });

  it('uses the page’s own format', () => {
    const iso = '2016-03-01T12:34:56.789Z';
    expect(timeParts(iso)).toEqual([{ iso, text: formatUtc(iso) }]);
  });
});
