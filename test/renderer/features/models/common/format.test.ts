import { describe, expect, it } from 'vitest';
import {
  baseName,
  formatBytes,
  formatCount,
  formatEta,
  formatParams,
  formatSpeed,
  formatTokensPerSecond,
} from '../../../../../renderer/features/models/common/format';

describe("the model manager's numbers", () => {
  it('writes sizes in decimal units, as disks and the Hub count them', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812_400)).toBe('812 kB');
    expect(formatBytes(4_920_000_000)).toBe('4.9 GB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(Number.NaN)).toBe('unknown size');
  });

  it('says a stalled transfer is waiting rather than showing 0 B/s', () => {
    expect(formatSpeed(12_300_000)).toBe('12.3 MB/s');
    expect(formatSpeed(0)).toBe('waiting for data');
  });

  it('rounds the time left the way a person says it, and says nothing when it is unknown', () => {
    expect(formatEta(0.2)).toBe('1 s left');
    expect(formatEta(42)).toBe('42 s left');
    expect(formatEta(185)).toBe('3 min left');
    expect(formatEta(3900)).toBe('1 h 5 min left');
    expect(formatEta(7200)).toBe('2 h left');
    expect(formatEta(null)).toBeNull();
    expect(formatEta(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('writes parameter counts and Hub counts as model pages do', () => {
    expect(formatParams(494_000_000)).toBe('494M');
    expect(formatParams(7_615_000_000)).toBe('7.6B');
    expect(formatParams(1_100_000)).toBe('1.1M');
    expect(formatParams(null)).toBe('unknown');
    expect(formatCount(1_234_567)).toBe('1.2M');
    expect(formatCount(34_210)).toBe('34K');
    expect(formatCount(512)).toBe('512');
  });

  it('writes a speed range, and one number when the range is a point', () => {
    expect(formatTokensPerSecond({ low: 4.25, high: 9.5 })).toBe('4.3–9.5 tokens/s');
    expect(formatTokensPerSecond({ low: 40, high: 72.4 })).toBe('40–72 tokens/s');
    expect(formatTokensPerSecond({ low: 12, high: 12 })).toBe('12 tokens/s');
  });

  it('takes the file name from a path on either kind of separator', () => {
    expect(baseName('/models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf')).toBe('Qwen3-0.6B-Q8_0.gguf');
    expect(baseName('C:\\models\\tiny.gguf')).toBe('tiny.gguf');
  });
});
