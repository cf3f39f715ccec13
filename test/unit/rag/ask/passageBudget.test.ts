import { describe, expect, it } from 'vitest';
import { answerRoom, keepWithin, passageBudget } from '../../../../electron/rag/ask/passageBudget';

describe('the passages budget', () => {
  it("keeps the answer's own token limit free, at most half the context", () => {
    expect(answerRoom(4096, 300)).toBe(300);
    expect(answerRoom(4096, 10_000)).toBe(2048);
  });

  it('keeps a quarter of the context free for an answer without a limit, at most 1,024 tokens', () => {
    expect(answerRoom(2048, 0)).toBe(512);
    expect(answerRoom(32_768, 0)).toBe(1024);
  });

  it('gives passages what the context holds beyond the prompt and the answer, and nothing when that is full', () => {
    expect(passageBudget({ contextSize: 4096, used: 1000, maxTokens: 500 })).toBe(2596);
    expect(passageBudget({ contextSize: 1024, used: 1000, maxTokens: 500 })).toBe(0);
  });

  it('gives passages up to half the context over a long chat when the oldest messages can be dropped for them', () => {
    // 5,000 tokens of chat in a 4,096 context: nothing beside it, but the system prompt and question take 300.
    expect(passageBudget({ contextSize: 4096, used: 5000, maxTokens: 500 })).toBe(0);
    expect(passageBudget({ contextSize: 4096, used: 5000, maxTokens: 500, essential: 300 })).toBe(2048);
    // A short chat keeps all the room beside it.
    expect(passageBudget({ contextSize: 4096, used: 400, maxTokens: 500, essential: 300 })).toBe(3196);
    // Half the context is the most, and never more than fits beside the essentials.
    expect(passageBudget({ contextSize: 1024, used: 5000, maxTokens: 500, essential: 600 })).toBe(0);
  });

  it('drops the lowest-ranked passages first until the rest fit', () => {
    expect(keepWithin([100, 100, 100], 300)).toBe(3);
    expect(keepWithin([100, 100, 100], 299)).toBe(2);
    expect(keepWithin([100, 5, 5], 104)).toBe(1);
    expect(keepWithin([400, 10], 300)).toBe(0);
    expect(keepWithin([], 300)).toBe(0);
  });
});
