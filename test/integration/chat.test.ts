import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../shared/channels';
import type { ChatDelta, ChatEnd } from '../../shared/contract';
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
      const e = seen.find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === streamId);
      if (e) resolve(e.payload as ChatEnd);
      else setTimeout(poll, 5);
    };
    poll();
  });
const deltas = (streamId: string): ChatDelta[] =>
  seen.filter((s) => s.event === 'chat:delta' && (s.payload as ChatDelta).streamId === streamId).map((s) => s.payload as ChatDelta);

interface Sent {
  conversationId: string;
  streamId: string;
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  model = tinyModel(join(dir), 'says-the.gguf', { favor: 'the' });
  backend = start();
  await call(backend, 'models:add', { path: model });
  await call(backend, 'settings:update', { maxTokens: 200, temperature: 0, systemPrompt: 'Be brief.', contextSize: 2048 });
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('chat over the handler table, with the real database and inference process', () => {
  it('refuses to send before a model is picked when there are several, and saves nothing', async () => {
    await call(backend, 'models:add', { path: tinyModel(join(dir), 'second.gguf') });
    await expect(call(backend, 'chat:send', { conversationId: null, text: 'hi' })).rejects.toMatchObject({
      code: 'NO_MODEL',
      message: expect.stringMatching(/Pick a model first/),
    });
    expect(await call(backend, 'conversations:list')).toEqual([]);
  });

  it('writes the question and the empty answer in one transaction: if the second insert fails, nothing is kept (6e)', async () => {
    await call(backend, 'models:load', { path: model });
    const db = new Database(join(dir, 'data', 'hearth.db'));
    db.exec(
      "CREATE TRIGGER no_answers BEFORE INSERT ON main.messages WHEN NEW.role = 'assistant' BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    db.close();
    await expect(call(backend, 'chat:send', { conversationId: null, text: 'lost?' })).rejects.toThrow(/disk full/);
    expect(await call(backend, 'conversations:list')).toEqual([]);
    expect(await call(backend, 'conversations:search', { query: 'lost' })).toEqual([]);
  });

  it('picks the only model there is when none is picked, and answers with it (6g)', async () => {
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'hi' });
    expect((await ended(sent.streamId)).status).toBe('complete');
    expect(backend.settings.get().selectedModelPath).toBe(model);
  });

  it('writes answers in two conversations at once, and a third waits with its place in the queue', async () => {
    await call(backend, 'settings:update', { parallelAnswers: 2, maxTokens: 300 });
    await call(backend, 'models:load', { path: model });
    const sends = [];
    for (const text of ['one', 'two', 'three']) sends.push(await call<Sent>(backend, 'chat:send', { conversationId: null, text }));
    const queueOf = (id: string): number[] =>
      seen
        .filter((s) => s.event === 'chat:queue' && (s.payload as { streamId: string }).streamId === id)
        .map((s) => (s.payload as { ahead: number }).ahead);
    while (deltas(sends[0]!.streamId).length === 0 || deltas(sends[1]!.streamId).length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(deltas(sends[2]!.streamId)).toEqual([]);
    expect(queueOf(sends[2]!.streamId)).toContain(1);
    expect(await call(backend, 'chat:active')).toEqual(
      expect.arrayContaining([expect.objectContaining({ streamId: sends[2]!.streamId, ahead: 1, content: '' })]),
    );
    const ends = await Promise.all(sends.map((s) => ended(s.streamId)));
    expect(ends.map((e) => [e.status, e.stats.completionTokens])).toEqual([
      ['complete', 300],
      ['complete', 300],
      ['complete', 300],
    ]);
    expect(queueOf(sends[2]!.streamId).at(-1)).toBe(0);
  });

  it('persists the question, streams the answer as batched deltas, and persists the answer', async () => {
    expect(await call(backend, 'models:load', { path: model })).toMatchObject({ status: 'ready' });
    const sent = await call<Sent & { userMessage: { content: string }; assistantMessage: { status: string } }>(backend, 'chat:send', {
      conversationId: null,
      text: 'Tell me about fire',
    });
    expect(sent.userMessage.content).toBe('Tell me about fire');
    expect(sent.assistantMessage.status).toBe('streaming');
    const end = await ended(sent.streamId);
    expect(end.status).toBe('complete');
    expect(end.stats.completionTokens).toBe(200);
    const ds = deltas(sent.streamId);
    expect(ds.map((d) => d.seq)).toEqual(ds.map((_, i) => i));
    expect(ds.map((d) => d.text).join('')).toBe(end.content);
    // Deltas are coalesced: far fewer events than tokens, never a whole snapshot.
    expect(ds.length).toBeLessThan(200);
    expect(Math.max(...ds.map((d) => d.text.length))).toBeLessThan(end.content.length);

    const conv = await call<{
      title: string;
      messages: { role: string; status: string; content: string; stats: { completionTokens: number } }[];
    }>(backend, 'conversations:get', { id: sent.conversationId });
    expect(conv.title).toBe('Tell me about fire');
    expect(conv.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(conv.messages[1]!.content).toBe(end.content);
    expect(conv.messages[1]!.stats.completionTokens).toBe(200);
  });

  it('loads the picked model on first send, and a second send continues the same conversation', async () => {
    // Picked in an earlier session, not loaded yet in this one.
    backend.settings.update({ selectedModelPath: model });
    const first = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'one' });
    await ended(first.streamId);
    const second = await call<Sent>(backend, 'chat:send', { conversationId: first.conversationId, text: 'two' });
    expect(second.conversationId).toBe(first.conversationId);
    expect((await ended(second.streamId)).status).toBe('complete');
    const conv = await call<{ messages: { role: string }[] }>(backend, 'conversations:get', { id: first.conversationId });
    expect(conv.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(await call(backend, 'conversations:search', { query: 'two' })).toHaveLength(1);
  });

  it('stop keeps the partial answer with status stopped', async () => {
    await call(backend, 'settings:update', { maxTokens: 0 });
    await call(backend, 'models:load', { path: model });
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'go on forever' });
    while (deltas(sent.streamId).length < 3) await new Promise((r) => setTimeout(r, 5));
    await expect(call(backend, 'chat:send', { conversationId: sent.conversationId, text: 'again' })).rejects.toMatchObject({
      code: 'BUSY',
    });
    expect(await call(backend, 'chat:stop', { streamId: sent.streamId })).toEqual({ stopped: true });
    const end = await ended(sent.streamId);
    expect(end.status).toBe('stopped');
    expect(end.content.length).toBeGreaterThan(0);
    const conv = await call<{ messages: { status: string; content: string }[] }>(backend, 'conversations:get', { id: sent.conversationId });
    expect(conv.messages[1]).toMatchObject({ status: 'stopped', content: end.content });
  });

  it('kill -9 of the inference process mid-answer keeps the partial as failed with the reason; the next prompt works', async () => {
    await call(backend, 'settings:update', { maxTokens: 0 });
    await call(backend, 'models:load', { path: model });
    const sent = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'keep going' });
    while (deltas(sent.streamId).length < 3) await new Promise((r) => setTimeout(r, 5));
    process.kill(backend.host.pid!, 'SIGKILL');
    const end = await ended(sent.streamId);
    expect(end.status).toBe('failed');
    expect(end.error).toMatch(/inference process stopped unexpectedly \(killed by SIGKILL\)/);
    expect(end.content).toMatch(/^(\s?the)+$/);
    const conv = await call<{ messages: { status: string; content: string; error: string }[] }>(backend, 'conversations:get', {
      id: sent.conversationId,
    });
    expect(conv.messages[1]).toMatchObject({ status: 'failed', content: end.content, error: end.error });

    await call(backend, 'settings:update', { maxTokens: 10 });
    const next = await call<Sent>(backend, 'chat:send', { conversationId: sent.conversationId, text: 'are you back?' });
    const nextEnd = await ended(next.streamId);
    expect(nextEnd.status).toBe('complete');
    expect(nextEnd.stats.completionTokens).toBe(10);
    expect(seen.some((s) => s.event === 'engine:state' && (s.payload as { lastError?: string }).lastError?.includes('SIGKILL'))).toBe(true);
  });

  it('marks an answer left streaming by a killed app as failed on the next start, keeping its text', async () => {
    await backend.dispose();
    const db = new Database(join(dir, 'data', 'hearth.db'));
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'crashed', 1, 1)").run();
    db.prepare(
      "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m', 'c', 1, 'assistant', 'half an ans', 'streaming', 1)",
    ).run();
    db.close();
    backend = start();
    const conv = await call<{ messages: { status: string; content: string; error: string }[] }>(backend, 'conversations:get', { id: 'c' });
    expect(conv.messages[0]).toMatchObject({ status: 'failed', content: 'half an ans', error: expect.stringMatching(/closed while/) });
  });

  it('lets no client point the selected model at an arbitrary file through settings', async () => {
    await expect(call(backend, 'settings:update', { selectedModelPath: '/etc/passwd' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(backend.settings.get().selectedModelPath).toBeNull();
  });

  it('lists GGUF files in the models folder and refuses to load a path it does not know', async () => {
    tinyModel(join(dir, 'models'), 'in-folder.gguf');
    const list = await call<{ fileName: string; source: string }[]>(backend, 'models:list');
    expect(list.map((m) => [m.fileName, m.source])).toEqual([
      ['in-folder.gguf', 'folder'],
      ['says-the.gguf', 'added'],
    ]);
    await expect(call(backend, 'models:load', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(backend, 'models:add', { path: 'relative.gguf' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call(backend, 'models:add', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('renames a conversation (trimmed, validated) and deletes one mid-answer: the answer stops first, nothing is left', async () => {
    await call(backend, 'models:load', { path: model });
    await call(backend, 'settings:update', { maxTokens: 0 });
    const first = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'Keep this one' });
    await call(backend, 'chat:stop', { streamId: first.streamId });
    await ended(first.streamId);
    expect(await call(backend, 'conversations:rename', { id: first.conversationId, title: '  Kept  ' })).toMatchObject({ title: 'Kept' });
    await expect(call(backend, 'conversations:rename', { id: first.conversationId, title: '   ' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(call(backend, 'conversations:rename', { id: 'nope', title: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const doomed = await call<Sent>(backend, 'chat:send', { conversationId: null, text: 'Forget about fireflies' });
    await expect.poll(() => deltas(doomed.streamId).length).toBeGreaterThan(0);
    await call(backend, 'conversations:delete', { id: doomed.conversationId });
    expect((await ended(doomed.streamId)).status).toBe('stopped');
    expect((await call<{ title: string }[]>(backend, 'conversations:list')).map((c) => c.title)).toEqual(['Kept']);
    await expect(call(backend, 'conversations:get', { id: doomed.conversationId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await call(backend, 'conversations:search', { query: 'fireflies' })).toEqual([]);
    await expect(call(backend, 'conversations:delete', { id: doomed.conversationId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const db = new Database(join(dir, 'data', 'hearth.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM messages WHERE conversation_id = ?').get(doomed.conversationId)).toEqual({ n: 0 });
    db.close();
  });

  it('completes answers longer than the context, and chats whose history outgrows it', async () => {
    await call(backend, 'settings:update', { maxTokens: 1200, contextSize: 512 });
    await call(backend, 'models:load', { path: model });
    let conversationId: string | null = null;
    for (const text of ['Tell me a long story', 'And another one']) {
      const sent: Sent = await call<Sent>(backend, 'chat:send', { conversationId, text });
      conversationId = sent.conversationId;
      const end = await ended(sent.streamId);
      // node-llama-cpp shifts the context: the answer runs past 512 tokens and the old turns give way.
      expect(end).toMatchObject({ status: 'complete', error: null });
      expect(end.stats.completionTokens).toBe(1200);
      expect(end.content.trim().split(/\s+/)).toHaveLength(1200);
    }
    const conv = await call<{ messages: { status: string }[] }>(backend, 'conversations:get', { id: conversationId });
    expect(conv.messages.map((m) => m.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
  });
});
