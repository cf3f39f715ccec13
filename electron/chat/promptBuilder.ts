import { inModelHistory } from '../../shared/context';
import type { Message } from '../../shared/types';
import type { ChatTurn } from '../inference/protocol';

/** The history the model sees: the system prompt, then every message with text (failed partials included). */
export function buildTurns(systemPrompt: string, history: Message[]): ChatTurn[] {
  const turns: ChatTurn[] = systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }] : [];
  for (const m of history) {
    if (!inModelHistory(m) || m.role === 'system') continue;
    turns.push({ role: m.role, content: m.content });
  }
  return turns;
}

/** A new chat's title: the first line of its first message, shortened. */
export function titleFrom(text: string): string {
  const line = (text.trim().split('\n')[0] ?? '').replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
