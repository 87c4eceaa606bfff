// The framing, held to the parsing rules of the HTML standard (test/support/sse.ts parses as EventSource does).
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../test/support/sse.ts';
import { parseEventId, SSE_HEARTBEAT, sseEvent, sseOpen } from './sse.ts';

describe('framing', () => {
  it.each([
    ['an event', sseEvent(7, 'party', { type: 'party', id: 'x' }), { id: '7', event: 'party', data: '{"type":"party","id":"x"}', comments: [] }],
    ['line breaks in the data stay in one data line', sseEvent(8, 'site_event', { text: 'a\nb\r\nc' }), { id: '8', event: 'site_event', data: '{"text":"a\\nb\\r\\nc"}', comments: [] }],
    ['a heartbeat: a comment, no id', SSE_HEARTBEAT, { comments: ['keep-alive'] }],
    ['the opening block with an id', sseOpen(2000, 41), { comments: ['truce events'], retry: 2000, id: '41' }],
    ['the opening block of an empty log', sseOpen(2000, null), { comments: ['truce events'], retry: 2000 }],
  ])('%s', (_, text, block) => {
    expect(parseSse(text)).toEqual({ blocks: [block], rest: '' });
  });

  it.each(['Party', 'a b', 'x\nid: 3', ''])('refuses the event name %j', (name) => {
    expect(() => sseEvent(1, name, {})).toThrow(/bad event name/);
  });
});

describe('Last-Event-ID', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['0', 0],
    [' 42 ', 42],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', 'invalid'],
    ['-1', 'invalid'],
    ['007', 'invalid'],
    ['1e3', 'invalid'],
    ['12abc', 'invalid'],
    ['12345678901234567', 'invalid'],
  ] as const)('%j -> %j', (v, want) => {
    expect(parseEventId(v)).toBe(want);
  });
});
