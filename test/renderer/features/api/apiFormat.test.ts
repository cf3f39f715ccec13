import { describe, expect, it } from 'vitest';
import type { ApiLogEntry } from '../../../../shared/api';
import {
  formatDuration,
  formatLogTime,
  formatTokens,
  maskKey,
  newestFirst,
  statusLabel,
  statusTone,
} from '../../../../renderer/features/api/apiFormat';

const entry = (id: string, at: number): ApiLogEntry => ({
  id,
  at,
  method: 'GET',
  path: '/v1/models',
  status: 200,
  durationMs: 3,
  model: null,
  stream: false,
  promptTokens: null,
  completionTokens: null,
  client: null,
  error: null,
});

describe("the request log's words", () => {
  it('says a status with its number and its meaning, and colours it by who is at fault', () => {
    expect(statusLabel(200)).toBe('200 OK');
    expect(statusLabel(401)).toBe('401 No key or a wrong key');
    expect(statusLabel(418)).toBe('418 Refused');
    expect(statusLabel(502)).toBe('502 Failed');
    expect([200, 204, 304, 400, 401, 403, 499, 500, 503].map(statusTone)).toEqual([
      'ok',
      'ok',
      'ok',
      'refused',
      'refused',
      'refused',
      'refused',
      'failed',
      'failed',
    ]);
  });

  it('says durations in the unit a person reads', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(35.4)).toBe('35 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(12_345)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('says tokens in and out, only those there were', () => {
    expect(formatTokens(12, 30)).toBe('12 in, 30 out');
    expect(formatTokens(8, null)).toBe('8 in');
    expect(formatTokens(null, null)).toBe('—');
    expect(formatTokens(0, 0)).toBe('0 in, 0 out');
  });

  it('gives the time alone today and the day before it on earlier days', () => {
    const now = new Date(2025, 2, 3, 18, 0, 0).getTime();
    expect(formatLogTime(new Date(2025, 2, 3, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatLogTime(new Date(2025, 2, 2, 23, 59, 59).getTime(), now)).toBe('2 Mar 23:59:59');
  });

  it('puts the newest request first whatever order they came in', () => {
    expect(newestFirst([entry('a', 1), entry('c', 3), entry('b', 2)]).map((e) => e.id)).toEqual(['c', 'b', 'a']);
  });

  it('hides a key but its last four characters', () => {
    const masked = maskKey('hk-secret-abcd1234');
    expect(masked.endsWith('1234')).toBe(true);
    expect(masked).not.toContain('secret');
    // Every key hides behind the same number of dots: the mask does not tell its length.
    expect(maskKey('short1234').length).toBe(masked.length);
  });
});
