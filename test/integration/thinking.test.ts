import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../shared/channels';
import type { ActiveStream, ChatDelta, ChatEnd } from '../../shared/contract';
import type { ConversationWithMessages } from '../../shared/types';
import type { Backend } from '../../electron/api/backend';
import { callHandler, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

let dir: string;
let cleanup: () => void;
let backend: Backend;
let seen: { event: EventChannel; payload: unknown }[];

const start = (): Backend => startBackend(dir, seen);

const call = callHandler;

const ended = (streamId: string): Promise<ChatEnd> =>
  new Promise((resolve) => {
    const poll = (): void => {
      const e = seen.find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === streamId);
      if (e) resolve(e.payload as ChatEnd);
      else setTimeout(poll, 5);
    };
    poll();
  });
const deltas = (streamId: string): ChatDelta[] =>
  seen.filter((s) => s.event === 'chat:delta' && (s.payload as ChatDelta).streamId === streamId).map((s) => s.payload as ChatDelta);
const join_ = (ds: ChatDelta[], kind: 'text' | 'thought'): string =>
  ds
    .filter((d) => (d.kind ?? 'text') === kind)
    .map((d) => d.text)
    .join('');
const words = (s: string): string[] => s.trim().split(/\s+/).filter(Boolean);
const until = async (check: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

interface Sent {
  conversationId: string;
  streamId: string;
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  mkdirSync(join(dir, 'models'));
  tinyModel(join(dir, 'models'), 'reasons.gguf', { favor: 'the', reasoning: true });
  backend = start();
  await call(backend, 'settings:update', {
    maxTokens: 300,
    thoughtTokens: 60,
    temperature: 0,
    systemPrompt: 'Be brief.',
    contextSize: 2048,
  });
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('answers from a reasoning model, through the real engine and database', () => {
  it('streams thoughts as thought deltas before the answer, on one seq, and stores them apart with their time', async () => {
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'Why is the sky blue?' });
    const end = await ended(sent.streamId);
    expect(end.status).toBe('complete');

    const ds = deltas(sent.streamId);
    expect(ds.map((d) => d.seq)).toEqual(ds.map((_, i) => i));
    const firstText = ds.findIndex((d) => d.kind !== 'thought');
    expect(firstText).toBeGreaterThan(0);
    expect(ds.slice(firstText).every((d) => d.kind === 'text')).toBe(true);
    expect(join_(ds, 'thought')).toBe(end.thoughts);
    expect(join_(ds, 'text')).toBe(end.content);
    expect(words(end.thoughts).length).toBeGreaterThan(40);
    expect(words(end.thoughts).length).toBeLessThanOrEqual(60);
    expect(words(end.content).length).toBeGreaterThan(100);
    expect(`${end.thoughts}${end.content}`).not.toMatch(/<\/?think>/);
    expect(end.thoughtMs).not.toBeNull();
    expect(end.stats).toMatchObject({ gpu: 'cpu', gpuLayers: 0, totalLayers: 5 });
    expect(end.stats.completionTokens).toBeGreaterThan(100);

    const conv = await call<ConversationWithMessages>(backend, 'conversations:get', { id: sent.conversationId });
    expect(conv.messages[1]).toMatchObject({
      role: 'assistant',
      content: end.content,
      thoughts: end.thoughts,
      thoughtMs: end.thoughtMs,
      stats: end.stats,
      model: 'reasons.gguf',
    });
    expect(conv.messages[0]).toMatchObject({ role: 'user', thoughts: '', thoughtMs: null });

    // A restart keeps them.
    await backend.dispose(2000);
    backend = start();
    const again = await call<ConversationWithMessages>(backend, 'conversations:get', { id: sent.conversationId });
    expect(again.messages[1]).toMatchObject({ content: end.content, thoughts: end.thoughts, thoughtMs: end.thoughtMs, stats: end.stats });
  });

  it('tells a resyncing client the thoughts so far and when thinking began', async () => {
    // No budget: this model thinks until stopped.
    await call(backend, 'settings:update', { maxTokens: 0, thoughtTokens: null });
    const before = Date.now();
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'Think hard' });
    await until(() => join_(deltas(sent.streamId), 'thought').length > 50);
    const [active] = await call<ActiveStream[]>(backend, 'chat:active');
    expect(active).toMatchObject({ streamId: sent.streamId, content: '', thoughtMs: null });
    expect(active!.thoughts.length).toBeGreaterThan(50);
    expect(active!.thoughtStartedAt).toBeGreaterThanOrEqual(before);
    expect(active!.thoughtStartedAt).toBeLessThanOrEqual(Date.now());
    // What clients were sent and what chat:active says agree, so a resync never repeats or skips a thought.
    expect(join_(deltas(sent.streamId), 'thought').startsWith(active!.thoughts)).toBe(true);
    await call(backend, 'chat:stop', { streamId: sent.streamId });
  });

  it('keeps the thoughts of an answer stopped while thinking, and the next turn sends none of them', async () => {
    await call(backend, 'settings:update', { maxTokens: 0, thoughtTokens: null });
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'Think hard' });
    await until(() => join_(deltas(sent.streamId), 'thought').length > 2000);
    expect(await call(backend, 'chat:stop', { streamId: sent.streamId })).toEqual({ stopped: true });
    const end = await ended(sent.streamId);
    expect(end).toMatchObject({ status: 'stopped', content: '' });
    expect(words(end.thoughts).length).toBeGreaterThan(400);
    expect(end.thoughtMs).not.toBeNull();
    let conv = await call<ConversationWithMessages>(backend, 'conversations:get', { id: sent.conversationId });
    expect(conv.messages[1]).toMatchObject({ status: 'stopped', content: '', thoughts: end.thoughts });

    // The next answer gets a budget and completes; the stopped answer's thoughts are not part of its prompt.
    await call(backend, 'settings:update', { maxTokens: 100, thoughtTokens: 20 });
    const next = await call<Sent>(backend, 'chat:send', { conversationId: sent.conversationId, text: 'Now answer' });
    const nextEnd = await ended(next.streamId);
    expect(nextEnd.status).toBe('complete');
    // Two short questions and the system prompt, far fewer tokens than the 400 thoughts.
    expect(nextEnd.stats.promptTokens!).toBeLessThan(200);
    conv = await call<ConversationWithMessages>(backend, 'conversations:get', { id: sent.conversationId });
    expect(conv.messages.map((m) => [m.role, m.status, m.thoughts === '' ? 'no thoughts' : 'thoughts'])).toEqual([
      ['user', 'complete', 'no thoughts'],
      ['assistant', 'stopped', 'thoughts'],
      ['user', 'complete', 'no thoughts'],
      ['assistant', 'complete', 'thoughts'],
    ]);
  });

  it('takes the thought budget as a setting: null for no limit, never negative', async () => {
    await expect(call(backend, 'settings:update', { thoughtTokens: -1 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await call(backend, 'settings:update', { thoughtTokens: null })).toMatchObject({ thoughtTokens: null });
    expect(await call(backend, 'settings:update', { thoughtTokens: 512 })).toMatchObject({ thoughtTokens: 512 });
  });
});
