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
