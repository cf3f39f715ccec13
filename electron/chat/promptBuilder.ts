import { inModelHistory } from '../../shared/context';
import type { Message } from '../../shared/types';
import type { ChatTurn } from '../inference/protocol';
import { type PromptSources, systemWithSources, withSources } from '../rag/ask/sourcesPrompt';

/**
 * The history the model sees: the system prompt, then every message with text (failed partials included).
 *
 * With `sources` (a chat that answers from its collections), the system prompt gains the rules for quoted
 * passages, and the last user message carries the passages found for it (or the note that says why there are
 * none) ahead of the user's own words. Earlier messages go as they were written: their passages are not sent
 * again, which keeps the history the engine has cached unchanged from one turn to the next.
 */
export function buildTurns(systemPrompt: string, history: Message[], sources: PromptSources | null = null): ChatTurn[] {
  const system = sources ? systemWithSources(systemPrompt) : systemPrompt;
  const turns: ChatTurn[] = system.trim() ? [{ role: 'system', content: system }] : [];
  for (const m of history) {
    if (!inModelHistory(m) || m.role === 'system') continue;
    turns.push({ role: m.role, content: m.content });
  }
  if (sources) {
    const last = turns.findLastIndex((t) => t.role === 'user');
    const question = turns[last];
    if (question) turns[last] = { role: 'user', content: withSources(question.content, sources) };
  }
  return turns;
}

/** A new chat's title: the first line of its first message, shortened. */
export function titleFrom(text: string): string {
  const line = (text.trim().split('\n')[0] ?? '').replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
