import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../shared/channels';
import type { ChatDelta, ChatEnd } from '../../shared/contract';
import type { Message } from '../../shared/types';
import type { Backend } from '../../electron/api/backend';
import { callHandler, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

let dir: string;
let cleanup: () => void;
let backend: Backend;
let model: string;
let seen: { event: EventChannel; payload: unknown }[];

const start = (): Backend => startBackend(dir, seen);

const call = callHandler;

const ended = (streamId: string): Promise<ChatEnd> =>
  new Promise((resolve) => {
    const poll = (): void => {
      const e = seen.findLast((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === streamId);
      if (e) resolve(e.payload as ChatEnd);
      else setTimeout(poll, 5);
    };
    poll();
  });
const deltas = (streamId: string): ChatDelta[] =>
  seen.filter((s) => s.event === 'chat:delta' && (s.payload as ChatDelta).streamId === streamId).map((s) => s.payload as ChatDelta);

interface Started {
  conversationId: string;
  streamId: string;
  assistantMessage: Message;
  userMessage?: Message;
}
const branch = async (b: Backend, id: string): Promise<Message[]> =>
  (await call<{ messages: Message[] }>(b, 'conversations:get', { id })).messages;
const shape = (ms: Message[]) => ms.map((m) => `${m.role}:${m.branch!.index + 1}/${m.branch!.count}`);

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  model = tinyModel(join(dir), 'says-the.gguf', { favor: 'the' });
  backend = start();
  await call(backend, 'models:add', { path: model });
  await call(backend, 'settings:update', { maxTokens: 8, temperature: 0, systemPrompt: 'Be brief.', contextSize: 2048 });
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('branches: edit, regenerate, step between versions, delete, continue', () => {
  it('keeps edits and regenerations as branches through the real engine, and they survive a restart', async () => {
    const sent = await call<Started>(backend, 'chat:send', { conversationId: null, text: 'first question' });
    const c = sent.conversationId;
    expect((await ended(sent.streamId)).status).toBe('complete');
    // A second exchange on the first branch, so the tail under a switched message must follow it.
    const second = await call<Started>(backend, 'chat:send', { conversationId: c, text: 'second question' });
    await ended(second.streamId);

    const regen = await call<Started>(backend, 'chat:regenerate', { messageId: second.assistantMessage.id });
    expect(regen.assistantMessage).toMatchObject({ parentId: second.userMessage!.id, branch: { index: 1, count: 2 } });
    expect((await ended(regen.streamId)).status).toBe('complete');
    expect(shape(await branch(backend, c))).toEqual(['user:1/1', 'assistant:1/1', 'user:1/1', 'assistant:2/2']);

    // Editing the first message starts a new branch from the root; its answer is written after the edited text only.
    const edit = await call<Started>(backend, 'chat:edit', { messageId: sent.userMessage!.id, text: 'first question, edited' });
    expect(edit.userMessage).toMatchObject({ parentId: null, branch: { index: 1, count: 2 } });
    const editEnd = await ended(edit.streamId);
    expect(editEnd.status).toBe('complete');
    let now = await branch(backend, c);
    expect(now.map((m) => m.content.slice(0, 22))).toEqual(['first question, edited', expect.any(String)]);
    expect(shape(now)).toEqual(['user:2/2', 'assistant:1/1']);

    // Back to the first version: its tail comes back as it was left, with the regenerated answer current.
    await call(backend, 'messages:switchBranch', { messageId: edit.userMessage!.id, direction: 'previous' });
    now = await branch(backend, c);
    expect(now.map((m) => m.id)).toEqual([
      sent.userMessage!.id,
      sent.assistantMessage.id,
      second.userMessage!.id,
      regen.assistantMessage.id,
    ]);
    await call(backend, 'messages:switchBranch', { messageId: regen.assistantMessage.id, direction: 'previous' });
    expect((await branch(backend, c)).at(-1)!.id).toBe(second.assistantMessage.id);

    // A new message goes under the branch on screen.
    const third = await call<Started>(backend, 'chat:send', { conversationId: c, text: 'third' });
    expect(third.userMessage!.parentId).toBe(second.assistantMessage.id);
    await ended(third.streamId);
    const before = await branch(backend, c);

    // Restart: the same data folder, a new backend and a new inference process.
    await backend.dispose(2000);
    backend = start();
    const after = await branch(backend, c);
    expect(after.map((m) => [m.id, m.content, m.parentId, m.branch])).toEqual(before.map((m) => [m.id, m.content, m.parentId, m.branch]));
    expect(shape(after)).toEqual(['user:1/2', 'assistant:1/1', 'user:1/1', 'assistant:1/2', 'user:1/1', 'assistant:1/1']);
    await call(backend, 'messages:switchBranch', { messageId: sent.userMessage!.id, direction: 'next' });
    expect((await branch(backend, c)).map((m) => m.id)).toEqual([edit.userMessage!.id, edit.assistantMessage.id]);

    // Deleting the edited message takes its answer with it; the first version becomes current again.
    await call(backend, 'messages:delete', { messageId: edit.userMessage!.id });
    expect(shape(await branch(backend, c))).toEqual([
      'user:1/1',
      'assistant:1/1',
      'user:1/1',
      'assistant:1/2',
      'user:1/1',
      'assistant:1/1',
    ]);
    const hits = await call<{ messageId: string | null }[]>(backend, 'conversations:search', { query: 'edited' });
    expect(hits.filter((h) => h.messageId)).toEqual([]);
  });

  it('continues a stopped answer in the same message, starting from its saved text', async () => {
    await call(backend, 'settings:update', { maxTokens: 200 });
    const sent = await call<Started>(backend, 'chat:send', { conversationId: null, text: 'tell me a long story' });
    while (deltas(sent.streamId).length === 0) await new Promise((r) => setTimeout(r, 5));
    await call(backend, 'chat:stop', { streamId: sent.streamId });
    const stopped = await ended(sent.streamId);
    expect(stopped.status).toBe('stopped');
    expect(stopped.content).not.toBe('');
    await expect(call(backend, 'chat:continue', { messageId: sent.userMessage!.id })).rejects.toMatchObject({ code: 'BAD_INPUT' });

    await call(backend, 'settings:update', { maxTokens: 6 });
    seen.length = 0;
    const more = await call<Started>(backend, 'chat:continue', { messageId: sent.assistantMessage.id });
    expect(more.streamId).toBe(sent.assistantMessage.id);
    const end = await ended(more.streamId);
    expect(end.status).toBe('complete');
    expect(end.content.startsWith(stopped.content)).toBe(true);
    expect(end.content.length).toBeGreaterThan(stopped.content.length);
    // The stream's first delta is the saved text, so a client's stream store shows the whole message.
    const ds = deltas(more.streamId);
    expect(ds[0]).toMatchObject({ seq: 0, text: stopped.content });
    expect(ds.map((d) => d.text).join('')).toBe(end.content);
    const [, answer] = await branch(backend, sent.conversationId);
    expect(answer).toMatchObject({ id: sent.assistantMessage.id, status: 'complete', content: end.content });

    // A busy chat refuses branch changes; an answer with a reply cannot be continued.
    const next = await call<Started>(backend, 'chat:send', { conversationId: sent.conversationId, text: 'and then?' });
    await expect(call(backend, 'messages:delete', { messageId: sent.userMessage!.id })).rejects.toMatchObject({ code: 'BUSY' });
    await ended(next.streamId);
    await call(backend, 'messages:delete', { messageId: next.assistantMessage.id });
    expect((await branch(backend, sent.conversationId)).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });
});
