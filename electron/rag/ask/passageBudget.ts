/**
 * How many passages a prompt can carry: what the model's context holds, less the system prompt and the chat so
 * far, less room for the answer. Passages come best first, so the lowest-ranked are the ones dropped.
 */

/** Tokens kept free for the answer: the answer's own limit when one is set (at most half the context), else a quarter of the context, at most 1,024. */
export function answerRoom(contextSize: number, maxTokens: number): number {
  const half = Math.floor(contextSize / 2);
  return maxTokens > 0 ? Math.min(maxTokens, half) : Math.min(1024, Math.floor(contextSize / 4));
}

/**
 * Tokens the passages may take: the context less what the prompt already uses (`used`: the system prompt, the
 * whole chat and the question) and the answer's room; never negative.
 *
 * `essential` (the system prompt and the question alone) is given when the engine drops the oldest messages to
 * make room (the `dropOldest` policy): then a chat longer than the context still gets passages, up to half the
 * context, and the oldest messages leave the model's view for them. Under `stop` nothing may be dropped.
 */
export function passageBudget(o: { contextSize: number; used: number; maxTokens: number; essential?: number }): number {
  const room = answerRoom(o.contextSize, o.maxTokens);
  const beside = o.contextSize - o.used - room;
  const overHistory = o.essential === undefined ? 0 : Math.min(Math.floor(o.contextSize / 2), o.contextSize - o.essential - room);
  return Math.max(0, beside, overHistory);
}

/**
 * How many of the ranked passages fit, given each one's cost in tokens: the best ones, in rank order, dropping
 * from the lowest-ranked up until the rest fit.
 */
export function keepWithin(costs: readonly number[], budget: number): number {
  let total = 0;
  for (let i = 0; i < costs.length; i++) {
    total += costs[i]!;
    if (total > budget) return i;
  }
  return costs.length;
}
