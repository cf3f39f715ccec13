import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from '../../../electron/providers/sse';

function parseAll(chunks: string[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

/** A stream with every shape the parser must survive: a BOM, comments, all three line endings, a named event. */
const STREAM =
  '\uFEFF: keep-alive\r\n\r\n' +
  'data: {"a":1}\r\n\r\n' +
  ': OPENROUTER PROCESSING\n\n' +
  'data:{"b":"x y"}\n\n' +
  'event: error\rdata: {"c":true}\r\r' +
  'data: line one\ndata: line two\n\n' +
  'id: 7\nretry: 100\ndata: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"a":1}' },
  { event: 'message', data: '{"b":"x y"}' },
  { event: 'error', data: '{"c":true}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'message', data: '[DONE]' },
];

describe('SseParser', () => {
  it('reads data events, skipping comments, across LF, CRLF and lone-CR line endings', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events wherever the stream is split in two, even between a CR and its LF', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      expect(parseAll([STREAM.slice(0, i), STREAM.slice(i)]), `split at ${i}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events when the stream arrives one character at a time', () => {
    expect(parseAll([...STREAM])).toEqual(EXPECTED);
  });

  it('does not mistake an LF that starts a new chunk after a complete CR line for a blank line', () => {
    // "data: x\r" then "\n\n": the LF after the CR is the same line ending, and the next LF ends the event.
    const p = new SseParser();
    expect(p.push('data: x\r')).toEqual([]);
    expect(p.push('\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('drops an event with no data line and resets the event name after each event', () => {
    expect(parseAll(['event: ping\n\n', 'data: 1\n\n'])).toEqual([{ event: 'message', data: '1' }]);
  });

  it('finishes a last event whose blank line never came when the stream ends', () => {
    const p = new SseParser();
    expect(p.push('data: {"last":1}')).toEqual([]);
    expect(p.end()).toEqual([{ event: 'message', data: '{"last":1}' }]);
  });

  it('keeps a colon inside the value and strips only one leading space', () => {
    expect(parseAll(['data:  two spaces: kept\n\n'])).toEqual([{ event: 'message', data: ' two spaces: kept' }]);
  });
});
