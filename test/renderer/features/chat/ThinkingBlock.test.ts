import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../shared/types';
import { ThinkingBlock, formatDuration } from '../../../../renderer/features/chat/ThinkingBlock';
import { streamStore } from '../../../../renderer/features/chat/streamStore';
import { EMPTY_STATS } from '../../../../electron/chat/messagesRepo';

const message = (over: Partial<Message>): Message => ({
  id: 'm',
  conversationId: 'c',
  role: 'assistant',
  content: 'The answer.',
  status: 'complete',
  error: null,
  model: 'reasons.gguf',
  stats: EMPTY_STATS,
  thoughts: '',
  thoughtMs: null,
  createdAt: 1,
  ...over,
});
const render = (m: Message): string => renderToStaticMarkup(createElement(ThinkingBlock, { message: m }));

describe('the thinking block', () => {
  it('says how long a finished answer thought, collapsed, without its text in the page until opened', () => {
    const html = render(message({ thoughts: '<b>secret</b> musings', thoughtMs: 3240 }));
    expect(html).toMatch(/^<details class="thinking" data-testid="thinking" data-state="done">/);
    expect(html).toContain('<summary class="thinking-summary" data-testid="thinking-summary">Thought for 3.2 s</summary>');
    expect(html).not.toContain('musings');
  });

  it('renders nothing for an answer without thoughts', () => {
    expect(render(message({}))).toBe('');
    expect(render(message({ role: 'user', content: 'hi' }))).toBe('');
  });

  it('says "Thoughts" when the thinking time is unknown', () => {
    expect(render(message({ thoughts: 'hmm', thoughtMs: null }))).toContain('>Thoughts</summary>');
  });

  it('shows "Thinking…" with a live timer while thoughts stream, and the time once the answer begins', () => {
    let t = 10_000;
    streamStore.now = () => t;
    streamStore.append('live', 'pondering', 0, 'thought');
    const m = message({ id: 'live', status: 'streaming', content: '' });
    const html = render(m);
    expect(html).toContain('data-state="thinking"');
    // The seconds are hidden from screen readers: a live region would announce every tick.
    expect(html).toMatch(/Thinking…<span class="thinking-time" aria-hidden="true"> \d+\.\d s<\/span>/);
    t = 12_500;
    streamStore.append('live', 'The', 1);
    expect(render(m)).toContain('>Thought for 2.5 s</summary>');
    streamStore.forget('live');
    streamStore.now = Date.now;
  });

  it('shows "Thinking…" for a saved partial while the stream has not reached this page yet', () => {
    expect(render(message({ status: 'streaming', content: '', thoughts: 'so far' }))).toContain('data-state="thinking"');
  });

  it('formats durations in seconds, then minutes', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(3240)).toBe('3.2 s');
    expect(formatDuration(59_900)).toBe('59.9 s');
    expect(formatDuration(59_960)).toBe('1 min 0 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
