import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeltaBatcher } from '../../../electron/lib/deltaBatcher';

afterEach(() => {
  vi.useRealTimers();
});

describe('DeltaBatcher', () => {
  it('sends the first text at once, then coalesces until the interval passes', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const b = new DeltaBatcher(30, (t) => out.push(t));
    b.push('a');
    expect(out).toEqual(['a']);
    b.push('b');
    b.push('c');
    expect(out).toEqual(['a']);
    vi.advanceTimersByTime(30);
    expect(out).toEqual(['a', 'bc']);
  });

  it('flushes what is left at the end and never sends an empty delta', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const b = new DeltaBatcher(30, (t) => out.push(t));
    b.push('x');
    b.push('y');
    b.push('');
    b.flush();
    b.flush();
    vi.advanceTimersByTime(100);
    expect(out).toEqual(['x', 'y']);
  });

  it('turns 1000 tokens streamed over 300 ms into about one delta per interval, losing nothing', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const b = new DeltaBatcher(30, (t) => out.push(t));
    for (let i = 0; i < 1000; i++) {
      b.push(`${i} `);
      if (i % 10 === 9) vi.advanceTimersByTime(3);
    }
    b.flush();
    expect(out.join('')).toBe(Array.from({ length: 1000 }, (_, i) => `${i} `).join(''));
    expect(out.length).toBeGreaterThanOrEqual(10);
    expect(out.length).toBeLessThanOrEqual(12);
  });
});
