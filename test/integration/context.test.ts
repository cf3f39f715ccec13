import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstInView } from '../../shared/context';
import type { ChatEnd } from '../../shared/contract';
import type { ConversationWithMessages } from '../../shared/types';
import { createBackend, type Backend } from '../../electron/api/backend';
import { dispatch } from '../../electron/api/dispatch';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/** Honest context through the handler table: the meter, the two overflow policies, and where the view began. */
let dir: string;
let cleanup: () => void;
let backend: Backend;
let ends: ChatEnd[];

async function call<T = unknown>(channel: string, input?: unknown): Promise<T> {
  const r = await dispatch(backend.handlers, channel, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function say(conversationId: string | null, text: string): Promise<{ conversationId: string; end: ChatEnd }> {
  const sent = await call<{ conversationId: string; streamId: string }>('chat:send', { conversationId, text });
  while (!ends.some((e) => e.streamId === sent.streamId)) await new Promise((r) => setTimeout(r, 5));
  return { conversationId: sent.conversationId, end: ends.find((e) => e.streamId === sent.streamId)! };
}

const LONG = 'tell me about the fire in the hearth and the model that runs here '.repeat(3);

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  ends = [];
  const model = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  backend = createBackend({
    dataDir: join(dir, 'data'),
    modelsDir: join(dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'test',
  });
  backend.events.subscribe((event, payload) => {
    if (event === 'chat:end') ends.push(payload as ChatEnd);
  });
  await call('models:add', { path: model });
  await call('settings:update', { maxTokens: 60, temperature: 0, contextSize: 512, parallelAnswers: 1 });
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('a chat that outgrows its context', () => {
  it('meters nothing until a model is loaded, then counts the system prompt, the chat and the draft', async () => {
    expect(await call('chat:measure', { conversationId: null, draft: 'hello' })).toBeNull();
    const { conversationId } = await say(null, 'Hello there');
    const m = await call<{ system: number; history: number; draft: number; total: number; contextSize: number }>('chat:measure', {
      conversationId,
      draft: LONG,
    });
    expect(m.contextSize).toBe(512);
    expect(m.system).toBeGreaterThan(0);
    expect(m.history).toBeGreaterThan(60);
    expect(m.draft).toBeGreaterThan(30);
    expect(m.total).toBe(m.system + m.history + m.draft);
  });

  it('drops whole messages from the oldest past twice the context, stores how many, and marks where the view began', async () => {
    let conversationId: string | null = null;
    for (let i = 0; i < 12; i++) {
      const r = await say(conversationId, `${i}: ${LONG}`);
      conversationId = r.conversationId;
      expect(r.end.status).toBe('complete');
    }
    const m = await call<{ total: number; contextSize: number }>('chat:measure', { conversationId, draft: '' });
    expect(m.total).toBeGreaterThan(2 * m.contextSize);
    const conv = await call<ConversationWithMessages>('conversations:get', { id: conversationId });
    const last = conv.messages.at(-1)!;
    expect(last.stats.droppedMessages).toBeGreaterThan(0);
    expect(last.stats.droppedMessages! % 2).toBe(0);
    const start = firstInView(conv.messages, last);
    expect(start).not.toBeNull();
    // The marker sits on a question the model still read: everything before it had left its view.
    expect(conv.messages.find((x) => x.id === start)?.role).toBe('user');
    expect(last.content.trim().split(/\s+/)).toEqual(Array(60).fill('the'));
  });

  it('under "stop", refuses a message that would not fit before saving anything, and keeps the chat usable', async () => {
    await call('settings:update', { contextOverflow: 'stop' });
    let conversationId: string | null = null;
    let refused: { code?: string; message: string } | null = null;
    for (let i = 0; i < 12 && !refused; i++) {
      try {
        const r = await say(conversationId, `${i}: ${LONG}`);
        conversationId = r.conversationId;
        expect(['complete', 'stopped']).toContain(r.end.status);
      } catch (error) {
        refused = error as { code?: string; message: string };
      }
    }
    expect(refused).toMatchObject({
      code: 'CONTEXT_FULL',
      message: expect.stringMatching(/would bring the chat to [\d,]+ tokens, and the model's context holds 512/),
    });
    const conv = await call<ConversationWithMessages>('conversations:get', { id: conversationId });
    // Nothing of the refused message was saved, and nothing was dropped from what the model read.
    expect(conv.messages.at(-1)!.role).toBe('assistant');
    expect(conv.messages.every((x) => (x.stats.droppedMessages ?? 0) === 0)).toBe(true);
    // A short message in a new chat still works.
    expect((await say(null, 'Hi')).end.status).toBe('complete');
  });

  it('under "stop", ends an endless answer at the context\'s edge and says so under it', async () => {
    await call('settings:update', { contextOverflow: 'stop', maxTokens: 0 });
    const { end } = await say(null, 'Go on forever');
    expect(end.status).toBe('stopped');
    expect(end.error).toMatch(/context is full, so the answer stopped here/);
    expect(end.stats.completionTokens).toBeGreaterThan(400);
    expect(end.stats.completionTokens).toBeLessThan(512);
  });
});
