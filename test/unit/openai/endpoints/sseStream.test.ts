import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoalescedSse } from '../../../../electron/openai/endpoints/sseStream';
import { toBase64 } from '../../../../electron/openai/endpoints/embeddings';
import type { SseWriter } from '../../../../electron/openai/types';

afterEach(() => {
  vi.useRealTimers();
});

/** An SSE writer that records what it was given; `hold` makes each send wait until released (a slow socket). */
function recorder(hold = false) {
  const sent: unknown[] = [];
  let done = 0;
  const waiting: (() => void)[] = [];
  const writer: SseWriter = {
    send: (data) => {
      sent.push(data);
      return hold ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve();
    },
    done: () => {
      done++;
    },
  };
  return { writer, sent, done: () => done, release: () => waiting.splice(0).forEach((r) => r()) };
}

const chunk = (kind: string, text: string) => ({ kind, text });

describe('CoalescedSse', () => {
  it('sends the first text at once and coalesces the rest per interval, as the UI does', async () => {
    vi.useFakeTimers();
    const r = recorder();
    const s = new CoalescedSse(r.writer, new AbortController().signal, 50, chunk);
    s.push('text', 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.sent).toEqual([{ kind: 'text', text: 'a' }]);
    s.push('text', 'b');
    s.push('text', 'c');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(r.sent).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'text', text: 'bc' },
    ]);
  });

  it('keeps thoughts and text in the order the model wrote them', async () => {
    const r = recorder();
    const s = new CoalescedSse(r.writer, new AbortController().signal, 10_000, chunk);
    s.push('thought', 'hmm');
    s.push('thought', ' yes');
    // The switch to text flushes the batched thought before the answer's first text goes out.
    s.push('text', 'Answer');
    s.push('text', ' here');
    s.push('text', '.');
    await s.done();
    expect(r.sent).toEqual([
      { kind: 'thought', text: 'hmm' },
      { kind: 'thought', text: ' yes' },
      { kind: 'text', text: 'Answer' },
      { kind: 'text', text: ' here.' },
    ]);
    expect(r.done()).toBe(1);
  });

  it('sends in order while the socket is slow, and ends only after the last event', async () => {
    const r = recorder(true);
    const s = new CoalescedSse(r.writer, new AbortController().signal, 0, chunk);
    s.send({ n: 1 });
    s.send({ n: 2 });
    const ended = s.done();
    await Promise.resolve();
    expect(r.sent).toEqual([{ n: 1 }]);
    r.release();
    await vi.waitFor(() => expect(r.sent).toEqual([{ n: 1 }, { n: 2 }]));
    expect(r.done()).toBe(0);
    r.release();
    await ended;
    expect(r.done()).toBe(1);
  });

  it('sends nothing more once the client has gone', async () => {
    const r = recorder();
    const gone = new AbortController();
    const s = new CoalescedSse(r.writer, gone.signal, 0, chunk);
    s.send({ n: 1 });
    await s.flush();
    gone.abort();
    s.push('text', 'late');
    s.send({ n: 2 });
    await s.done();
    expect(r.sent).toEqual([{ n: 1 }]);
    expect(r.done()).toBe(0);
  });
});

describe('toBase64', () => {
  it('writes little-endian float32 bytes, as the openai client decodes them', () => {
    const v = [0.5, -1.25, 3];
    const bytes = Buffer.from(toBase64(v), 'base64');
    expect(bytes).toHaveLength(12);
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual(v);
    expect(bytes.readFloatLE(4)).toBe(-1.25);
  });
});
