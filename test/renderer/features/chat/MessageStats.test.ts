import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Message, MessageStats as Stats } from '../../../../shared/types';
import { MessageStats, statsParts, whereItRan } from '../../../../renderer/features/chat/MessageStats';
import { EMPTY_STATS } from '../../../../electron/chat/messagesRepo';

const stats = (over: Partial<Stats>): Stats => ({
  ...EMPTY_STATS,
  promptTokens: 20,
  completionTokens: 800,
  timeToFirstTokenMs: 40,
  durationMs: 1040,
  gpu: 'cpu',
  gpuLayers: 0,
  totalLayers: 5,
  ...over,
});
const message = (over: Partial<Message>): Message => ({
  id: 'm',
  conversationId: 'c',
  role: 'assistant',
  content: 'the the',
  status: 'complete',
  error: null,
  model: 'says-the.gguf',
  stats: stats({}),
  thoughts: '',
  thoughtMs: null,
  createdAt: 1,
  ...over,
});
const text = (m: Message): string => (statsParts(m) ?? []).map((p) => p.text).join(' · ');

describe('the stats under an answer', () => {
  it('says model · tokens · tok/s · first token · where it ran', () => {
    expect(text(message({}))).toBe('says-the.gguf · 800 tokens · 800.0 tok/s · first token 40 ms · CPU');
    expect(text(message({ stats: stats({ timeToFirstTokenMs: 1500, durationMs: 3500 }) }))).toBe(
      'says-the.gguf · 800 tokens · 400.0 tok/s · first token 1.5 s · CPU',
    );
  });

  it('says the GPU backend and how many of the layers it held', () => {
    expect(whereItRan(stats({ gpu: 'vulkan', gpuLayers: 25, totalLayers: 25 }))).toMatchObject({
      text: 'Vulkan · 25/25 layers',
      title: 'Ran with Vulkan: 25 of 25 layers on the GPU',
    });
    expect(whereItRan(stats({ gpu: 'cuda', gpuLayers: 10, totalLayers: 33 }))?.text).toBe('CUDA · 10/33 layers');
    expect(whereItRan(stats({ gpu: 'metal', gpuLayers: 7, totalLayers: null }))?.text).toBe('Metal · 7 layers');
    expect(whereItRan(stats({ gpu: 'cpu' }))?.text).toBe('CPU');
    // Answers written before Hearth recorded it say nothing about it.
    expect(whereItRan(stats({ gpu: null, gpuLayers: null, totalLayers: null }))).toBeNull();
    expect(text(message({ model: null, stats: stats({ gpu: null }) }))).toBe('800 tokens · 800.0 tok/s · first token 40 ms');
  });

  it('renders each part with its tooltip, and nothing for user messages, streaming answers or answers without counts', () => {
    const html = renderToStaticMarkup(createElement(MessageStats, { message: message({}) }));
    expect(html).toMatch(/^<div class="message-stats" data-testid="message-stats">/);
    expect(html).toContain(
      '<span data-stat="tokens" title="800 tokens written after a prompt of 20 tokens, in 1.0 s">800 tokens</span> · ',
    );
    expect(html).toContain('<span data-stat="where" title="Ran on the CPU">CPU</span>');
    const none = (m: Message): string => renderToStaticMarkup(createElement(MessageStats, { message: m }));
    expect(none(message({ role: 'user' }))).toBe('');
    expect(none(message({ status: 'streaming' }))).toBe('');
    expect(none(message({ stats: EMPTY_STATS }))).toBe('');
  });
});
