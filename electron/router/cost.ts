import type { ProviderModel } from '../../shared/api';

/** A model's prices, US dollars per million tokens. */
export type Prices = Pick<ProviderModel, 'inputPerMTok' | 'outputPerMTok'>;

/**
 * Tokens in a text before any tokenizer has seen it: about four characters a token for English (OpenAI's rule of
 * thumb). The router estimates with it because the remote model's tokenizer is not here; what an answer really
 * cost comes from the counts the provider returns.
 */
export function estimateTokens(text: string): number {
  return tokensOfChars(text.length);
}

/** The same estimate from a count of characters. */
export function tokensOfChars(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The answer length the cost cap counts when the chat sets no maximum: a long answer, so the cap errs on the safe side. */
export const ASSUMED_ANSWER_TOKENS = 1000;

/** What so many prompt and answer tokens cost at these prices. */
export function costUsd(prices: Prices, promptTokens: number, completionTokens: number): number {
  return (promptTokens * prices.inputPerMTok + completionTokens * prices.outputPerMTok) / 1_000_000;
}

/** The current calendar month in UTC, as [from, to) in epoch milliseconds: what the cost cap counts. */
export function monthRange(now: number): { from: number; to: number } {
  const d = new Date(now);
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** Dollars as people read them: "$4.98"; below a cent, enough digits to show it is not nothing ("$0.0031"). */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.0001) return 'under $0.0001';
  if (amount > 0 && amount < 0.01) return `$${amount.toPrecision(2)}`;
  return `$${amount.toFixed(2)}`;
}
