import { Fragment, memo } from 'react';
import type { Message, MessageStats as Stats } from '../../../shared/types';

export type StatKey = 'model' | 'tokens' | 'speed' | 'ttft' | 'where';

/** One part of the stats line, with a longer explanation for its tooltip. */
export interface StatPart {
  key: StatKey;
  text: string;
  title: string;
}

const BACKENDS: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' };

const ms = (n: number): string => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);

/** Where an answer ran: "CPU", "Vulkan · 25/25 layers"; null when it was not recorded (older answers). */
export function whereItRan(s: Stats): StatPart | null {
  if (!s.gpu) return null;
  const backend = BACKENDS[s.gpu] ?? s.gpu;
  if (s.gpu === 'cpu') return { key: 'where', text: backend, title: 'Ran on the CPU' };
  if (s.gpuLayers === null) return { key: 'where', text: backend, title: `Ran with ${backend}` };
  const layers = s.totalLayers ? `${s.gpuLayers}/${s.totalLayers}` : `${s.gpuLayers}`;
  const of = s.totalLayers ? ` of ${s.totalLayers}` : '';
  return { key: 'where', text: `${backend} · ${layers} layers`, title: `Ran with ${backend}: ${s.gpuLayers}${of} layers on the GPU` };
}

/** The stats line of a finished answer, or null when there is nothing to say (no tokens were counted). */
export function statsParts(m: Message): StatPart[] | null {
  const { completionTokens, durationMs, timeToFirstTokenMs, promptTokens } = m.stats;
  if (completionTokens === null || durationMs === null) return null;
  // Speed counts from the first token: the prompt's evaluation is what "first token" measures.
  const genMs = Math.max(1, durationMs - (timeToFirstTokenMs ?? 0));
  const parts: StatPart[] = [];
  // A routed answer names its model in its route line (with where it ran and why), so it is not said twice.
  if (m.model && !m.route) parts.push({ key: 'model', text: m.model, title: `Written by ${m.model}` });
  parts.push({
    key: 'tokens',
    text: `${completionTokens} tokens`,
    title: `${completionTokens} tokens written${promptTokens !== null ? ` after a prompt of ${promptTokens} tokens` : ''}, in ${ms(durationMs)}`,
  });
  parts.push({ key: 'speed', text: `${((completionTokens / genMs) * 1000).toFixed(1)} tok/s`, title: 'Tokens per second after the first' });
  parts.push({
    key: 'ttft',
    text: `first token ${timeToFirstTokenMs === null ? '?' : ms(timeToFirstTokenMs)}`,
    title: 'Time to the first token: reading the prompt',
  });
  const where = whereItRan(m.stats);
  if (where) parts.push(where);
  return parts;
}

/**
 * Under each finished answer: model · tokens · tok/s · first token · where it ran (CPU, or the GPU backend with
 * its layers). Renders nothing for a user message, an answer still being written, or one without counts.
 */
export const MessageStats = memo(function MessageStats({ message }: { message: Message }) {
  if (message.role !== 'assistant' || message.status === 'streaming') return null;
  const parts = statsParts(message);
  if (!parts) return null;
  return (
    <div className="message-stats" data-testid="message-stats">
      {parts.map((p, i) => (
        <Fragment key={p.key}>
          {i > 0 && ' · '}
          <span data-stat={p.key} title={p.title}>
            {p.text}
          </span>
        </Fragment>
      ))}
    </div>
  );
});
