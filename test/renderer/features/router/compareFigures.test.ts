import { describe, expect, it } from 'vitest';
import type { RouteLogEntry } from '../../../../shared/api';
import type { ChatEnd } from '../../../../shared/contract';
import { compareFigures } from '../../../../renderer/features/router/compareFigures';
import { EMPTY_STATS } from '../../../../electron/chat/messagesRepo';

const end = (stats: Partial<ChatEnd['stats']>): ChatEnd => ({
  streamId: 's',
  conversationId: 'c',
  messageId: 'm',
  status: 'complete',
  error: null,
  content: 'x',
  thoughts: '',
  thoughtMs: null,
  stats: { ...EMPTY_STATS, ...stats },
});
const logged = (costUsd: number): RouteLogEntry => ({
  id: 'l',
  at: 1,
  conversationId: 'c',
  messageId: 'm',
  target: 'remote',
  providerName: 'P',
  model: 'big',
  rule: 'user',
  reason: 'You asked.',
  promptTokens: 12,
  completionTokens: 40,
  costUsd,
});
const texts = (f: { key: string; text: string }[]): Record<string, string> => Object.fromEntries(f.map((x) => [x.key, x.text]));

describe('the figures beside each side of a comparison', () => {
  it('gives speed after the first token, tokens, first token, and no cost on this machine', () => {
    const f = compareFigures(end({ completionTokens: 100, durationMs: 2100, timeToFirstTokenMs: 100, promptTokens: 9 }), false, undefined);
    expect(texts(f)).toEqual({ speed: '50.0 tok/s', tokens: '100', first: '100 ms', cost: '$0' });
    expect(f.find((x) => x.key === 'tokens')?.title).toBe('100 tokens written after a prompt of 9');
  });

  it("takes a remote answer's cost from the routing log, and says it is counting until then", () => {
    const stats = { completionTokens: 40, durationMs: 1500, timeToFirstTokenMs: 500 };
    expect(texts(compareFigures(end(stats), true, undefined)).cost).toBe('…');
    expect(texts(compareFigures(end(stats), true, logged(0.00042)))).toEqual({
      speed: '40.0 tok/s',
      tokens: '40',
      first: '500 ms',
      cost: '$0.00042',
    });
  });

  it('falls back to the log for tokens when the stream ended without counts (a failed remote answer)', () => {
    expect(texts(compareFigures(end({}), true, logged(0)))).toEqual({ tokens: '40', cost: '$0' });
  });
});
