import { describe, expect, it } from 'vitest';
import { streamStore } from '../../../../renderer/features/chat/streamStore';

describe('the renderer stream store', () => {
  it('appends deltas in order, ignores replays, and notifies only that message', () => {
    const seen: string[] = [];
    const offA = streamStore.subscribe('a', () => seen.push('a'));
    const offB = streamStore.subscribe('b', () => seen.push('b'));
    streamStore.append('a', 'Hel', 0);
    streamStore.append('a', 'lo', 1);
    streamStore.append('a', 'lo', 1);
    expect(streamStore.get('a')!.join('')).toBe('Hello');
    expect(seen).toEqual(['a', 'a']);
    offA();
    offB();
    streamStore.forget('a');
  });

  it('keeps long text in bounded pieces and only ever changes the last one', () => {
    const delta = 'the '.repeat(100);
    let previous: readonly string[] = [];
    for (let i = 0; i < 30; i++) {
      streamStore.append('long', delta, i);
      const pieces = streamStore.get('long')!;
      // Every piece but the last is untouched by a new delta (same string at the same index).
      previous.slice(0, -1).forEach((p, j) => expect(pieces[j]).toBe(p));
      previous = pieces;
    }
    expect(previous.join('')).toBe(delta.repeat(30));
    expect(previous.length).toBeGreaterThan(4);
    expect(Math.max(...previous.map((p) => p.length))).toBeLessThan(2048 + delta.length);
    streamStore.forget('long');
  });

  it('replaces the streamed text with the final text at the end and drops late deltas', () => {
    streamStore.append('c', 'partial', 0);
    streamStore.end('c', 'final text');
    streamStore.append('c', ' late', 1);
    expect(streamStore.get('c')).toEqual(['final text']);
    streamStore.forget('c');
    expect(streamStore.get('c')).toBeUndefined();
  });
});

describe('thoughts in the stream store', () => {
  it('keeps thoughts apart from the answer on one seq, and times the thinking until the answer begins', () => {
    let t = 1000;
    streamStore.now = () => t;
    const seen: string[] = [];
    const off = streamStore.subscribe('r', () => seen.push('r'));
    streamStore.append('r', 'Hmm, ', 0, 'thought');
    const answerBefore = streamStore.get('r');
    t = 1500;
    streamStore.append('r', 'let me see.', 1, 'thought');
    // A thought leaves the answer's pieces as they were, so the answer does not re-render for it.
    expect(streamStore.get('r')).toBe(answerBefore);
    expect(streamStore.get('r')).toEqual([]);
    expect(streamStore.thoughts('r')).toEqual({ pieces: ['Hmm, let me see.'], startedAt: 1000, ms: null });
    const thoughtsBefore = streamStore.thoughts('r');
    t = 3200;
    streamStore.append('r', 'The answer', 2);
    streamStore.append('r', ' is 42.', 3, 'text');
    expect(streamStore.get('r')!.join('')).toBe('The answer is 42.');
    expect(streamStore.thoughts('r')).toEqual({ pieces: ['Hmm, let me see.'], startedAt: 1000, ms: 2200 });
    // An answer delta leaves the thoughts as they were once thinking has ended.
    const thoughtsAfter = streamStore.thoughts('r');
    streamStore.append('r', ' More.', 4);
    expect(streamStore.thoughts('r')).toBe(thoughtsAfter);
    expect(thoughtsAfter).not.toBe(thoughtsBefore);
    // A replayed thought is ignored like a replayed text delta.
    streamStore.append('r', 'late thought', 2, 'thought');
    expect(streamStore.thoughts('r')!.pieces.join('')).toBe('Hmm, let me see.');
    expect(seen).toHaveLength(5);
    off();
    streamStore.forget('r');
    expect(streamStore.thoughts('r')).toBeUndefined();
    streamStore.now = Date.now;
  });

  it("takes main's final thoughts and thinking time at the end", () => {
    streamStore.append('s', 'partial thought', 0, 'thought');
    streamStore.end('s', 'final answer', { thoughts: 'the whole thought', thoughtMs: 1234 });
    expect(streamStore.get('s')).toEqual(['final answer']);
    expect(streamStore.thoughts('s')).toMatchObject({ pieces: ['the whole thought'], ms: 1234 });
    streamStore.forget('s');
    // An answer without thoughts has none at the end either.
    streamStore.append('n', 'text', 0);
    streamStore.end('n', 'text', { thoughts: '', thoughtMs: null });
    expect(streamStore.thoughts('n')).toBeUndefined();
    streamStore.forget('n');
  });

  it("resyncs thoughts from main's active answers: text, start time, and whether thinking has ended", () => {
    streamStore.append('x', 'one ', 0, 'thought');
    streamStore.resync([{ messageId: 'x', content: '', seq: 3, thoughts: 'one two three', thoughtStartedAt: 500, thoughtMs: null }]);
    expect(streamStore.thoughts('x')).toEqual({ pieces: ['one two three'], startedAt: 500, ms: null });
    expect(streamStore.get('x')).toEqual([]);
    streamStore.resync([
      { messageId: 'x', content: 'answer', seq: 5, thoughts: 'one two three four', thoughtStartedAt: 500, thoughtMs: 900 },
    ]);
    expect(streamStore.thoughts('x')).toEqual({ pieces: ['one two three four'], startedAt: 500, ms: 900 });
    expect(streamStore.get('x')).toEqual(['answer']);
    streamStore.forget('x');
  });
});
