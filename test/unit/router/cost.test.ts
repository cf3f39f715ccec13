import { describe, expect, it } from 'vitest';
import { costUsd, estimateTokens, monthRange, usd } from '../../../electron/router/cost';

describe('cost', () => {
  it('prices tokens per million, input and output apart', () => {
    expect(costUsd({ inputPerMTok: 2, outputPerMTok: 8 }, 1_000_000, 0)).toBe(2);
    expect(costUsd({ inputPerMTok: 2, outputPerMTok: 8 }, 500, 250)).toBeCloseTo(0.003, 10);
    expect(costUsd({ inputPerMTok: 0, outputPerMTok: 0 }, 10_000, 10_000)).toBe(0);
  });

  it('estimates about four characters a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });

  it('counts the calendar month in UTC, whatever the time of day at its edges', () => {
    const { from, to } = monthRange(Date.UTC(2025, 1, 28, 23, 59));
    expect(new Date(from).toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(new Date(to).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    const dec = monthRange(Date.UTC(2024, 11, 31, 12));
    expect(new Date(dec.to).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('writes dollars as people read them, without rounding a real cost to nothing', () => {
    expect(usd(5)).toBe('$5.00');
    expect(usd(4.984)).toBe('$4.98');
    expect(usd(0)).toBe('$0.00');
    expect(usd(0.0031)).toBe('$0.0031');
    expect(usd(0.00000004)).toBe('under $0.0001');
  });
});
