import type { RouteLogEntry } from '../../../shared/api';
import type { ChatEnd } from '../../../shared/contract';
import { formatUsd } from './routeText';

export interface Figure {
  key: 'speed' | 'tokens' | 'first' | 'cost';
  label: string;
  text: string;
  title: string;
}

const ms = (n: number): string => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);

/**
 * What a side of a comparison is judged by besides its text: speed (tokens per second after the first, as the
 * chat's stats line counts it), tokens written, time to the first token, and cost (0 on this machine; a remote
 * answer's from the routing log, once logged).
 */
export function compareFigures(end: ChatEnd, remote: boolean, logged: RouteLogEntry | undefined): Figure[] {
  const { completionTokens, durationMs, timeToFirstTokenMs, promptTokens } = end.stats;
  const figures: Figure[] = [];
  if (completionTokens !== null && durationMs !== null) {
    const genMs = Math.max(1, durationMs - (timeToFirstTokenMs ?? 0));
    figures.push({
      key: 'speed',
      label: 'Speed',
      text: `${((completionTokens / genMs) * 1000).toFixed(1)} tok/s`,
      title: 'Tokens per second after the first',
    });
  }
  const tokens = completionTokens ?? logged?.completionTokens ?? null;
  const prompt = promptTokens ?? logged?.promptTokens ?? null;
  if (tokens !== null) {
    figures.push({
      key: 'tokens',
      label: 'Tokens',
      text: String(tokens),
      title: `${tokens} tokens written${prompt !== null ? ` after a prompt of ${prompt}` : ''}`,
    });
  }
  if (timeToFirstTokenMs !== null) {
    figures.push({ key: 'first', label: 'First token', text: ms(timeToFirstTokenMs), title: 'Time to the first token' });
  }
  if (!remote) figures.push({ key: 'cost', label: 'Cost', text: formatUsd(0), title: 'Written on this machine' });
  else if (logged) figures.push({ key: 'cost', label: 'Cost', text: formatUsd(logged.costUsd), title: "At the provider's prices" });
  else figures.push({ key: 'cost', label: 'Cost', text: '…', title: 'Counting' });
  return figures;
}
