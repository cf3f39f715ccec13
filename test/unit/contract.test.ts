import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract';

describe('the contract', () => {
  const send = calls['chat:send'].input;

  it('makes chat:send text well-formed: a lone surrogate becomes U+FFFD, a pair stays', () => {
    const parsed = send.parse({ conversationId: null, text: '  a\uD800b\uDC00c \uD83D\uDE00 \uDE00\uD83D  ' });
    expect(parsed.text).toBe('a\uFFFDb\uFFFDc \uD83D\uDE00 \uFFFD\uFFFD');
  });

  it('still trims chat:send text and keeps its limits', () => {
    expect(send.safeParse({ conversationId: null, text: '   ' }).success).toBe(false);
    expect(send.safeParse({ conversationId: null, text: '\uD800'.repeat(200_000) }).success).toBe(true);
    expect(send.safeParse({ conversationId: null, text: 'a'.repeat(200_001) }).success).toBe(false);
    expect(send.shape.text.maxLength).toBe(200_000);
  });
});
