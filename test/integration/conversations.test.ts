import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../shared/channels';
import type { ChatEnd } from '../../shared/contract';
import type { ConversationSummary, ExportFile, ImportResult, SearchHit } from '../../shared/types';
import { createBackend, type Backend } from '../../electron/api/backend';
import { dispatch } from '../../electron/api/dispatch';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { chatgptExport, EXPECTED } from '../helpers/chatgptExport';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

let dir: string;
let cleanup: () => void;
let backend: Backend;
let model: string;
let seen: { event: EventChannel; payload: unknown }[];

function start(dataDir = join(dir, 'data')): Backend {
  const b = createBackend({
    dataDir,
    modelsDir: join(dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'test',
  });
  b.events.subscribe((event, payload) => seen.push({ event, payload }));
  return b;
}

async function call<T = unknown>(b: Backend, channel: string, input?: unknown): Promise<T> {
  const r = await dispatch(b.handlers, channel, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

const ended = (streamId: string): Promise<ChatEnd> =>
  new Promise((resolve) => {
    const poll = (): void => {
      const e = seen.find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === streamId);
      if (e) resolve(e.payload as ChatEnd);
      else setTimeout(poll, 5);
    };
    poll();
  });

/** Sends a file the way the renderer does: in parts, then the import call. */
async function importText(b: Backend, text: string, uploadId = 'upload-1'): Promise<ImportResult> {
  const PART = 200_000;
  for (let i = 0, at = 0; at < text.length || i === 0; i++, at += PART) {
    await call(b, 'conversations:importPart', { uploadId, index: i, text: text.slice(at, at + PART) });
  }
  return call<ImportResult>(b, 'conversations:import', { uploadId });
}

const titles = async (b: Backend): Promise<string[]> => (await call<ConversationSummary[]>(b, 'conversations:list')).map((c) => c.title);

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  mkdirSync(join(dir, 'models'), { recursive: true });
  model = tinyModel(join(dir, 'models'), 'says-the.gguf', { favor: 'the' });
  backend = start();
  await call(backend, 'models:add', { path: model });
  await call(backend, 'settings:update', { maxTokens: 20, temperature: 0, systemPrompt: 'Be brief.', contextSize: 1024 });
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('conversations over the handler table, with the real database and engine', () => {
  it('titles a new chat from its first message once its first answer ends, and never a chat the user named', async () => {
    const sent = await call<{ conversationId: string; streamId: string }>(backend, 'chat:send', {
      conversationId: null,
      text: 'Hi there! How do I **season** a cast iron pan? It keeps rusting.',
    });
    expect((await ended(sent.streamId)).status).toBe('complete');
    await expect.poll(() => titles(backend)).toEqual(['How do I season a cast iron pan?']);

    // A chat made with conversations:create starts as "New chat" and gets a title from its first exchange too.
    const blank = await call<{ id: string }>(backend, 'conversations:create');
    const second = await call<{ streamId: string }>(backend, 'chat:send', { conversationId: blank.id, text: 'Explain WAL mode' });
    await ended(second.streamId);
    await expect.poll(() => titles(backend)).toContain('Explain WAL mode');

    // Renamed while its first answer is written: the user's title stays.
    await call(backend, 'settings:update', { maxTokens: 0 });
    const third = await call<{ conversationId: string; streamId: string }>(backend, 'chat:send', {
      conversationId: null,
      text: 'hello, what is a flue',
    });
    await call(backend, 'conversations:rename', { id: third.conversationId, title: 'Flues' });
    await call(backend, 'chat:stop', { streamId: third.streamId });
    await ended(third.streamId);
    expect(await titles(backend)).toContain('Flues');
    expect(await titles(backend)).not.toContain('What is a flue');
  });

  it('pins a chat to the top and unpins it, and says what is wrong with a bad request', async () => {
    const a = await call<{ id: string }>(backend, 'conversations:create');
    await call(backend, 'conversations:rename', { id: a.id, title: 'Older' });
    const b = await call<{ id: string }>(backend, 'conversations:create');
    await call(backend, 'conversations:rename', { id: b.id, title: 'Newer' });
    expect(await titles(backend)).toEqual(['Newer', 'Older']);
    expect(await call(backend, 'conversations:pin', { id: a.id, pinned: true })).toMatchObject({ id: a.id, pinned: true });
    expect((await call<ConversationSummary[]>(backend, 'conversations:list')).map((c) => [c.title, c.pinned])).toEqual([
      ['Older', true],
      ['Newer', false],
    ]);
    await call(backend, 'conversations:pin', { id: a.id, pinned: false });
    expect(await titles(backend)).toEqual(['Newer', 'Older']);
    await expect(call(backend, 'conversations:pin', { id: 'nope', pinned: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(backend, 'conversations:pin', { id: a.id, pinned: 'yes' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call(backend, 'conversations:export', { id: a.id, format: 'html' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call(backend, 'conversations:importPart', { uploadId: 'u', index: 0, text: 'x'.repeat(200_001) })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });

  it('imports a ChatGPT export with branches, finds its messages with marked snippets, and keeps it all after a restart', async () => {
    const result = await importText(backend, JSON.stringify(chatgptExport()));
    expect(result).toMatchObject({ format: 'chatgpt', conversations: 4, branches: 2 });
    expect(seen.filter((s) => s.event === 'conversations:changed')).toHaveLength(1);

    const hits = await call<SearchHit[]>(backend, 'conversations:search', { query: 'oak' });
    expect(hits.map((h) => [h.title, h.messageId === null])).toEqual(
      expect.arrayContaining([
        ['Firewood questions', false],
        ['Firewood questions (branch 2)', false],
      ]),
    );
    const hit = hits.find((h) => h.snippet.includes('six months'))!;
    expect(hit.snippet).toBe('About six months for softwood, a year or more for \uE000oak\uE001.');
    const conv = await call<{ messages: { id: string }[] }>(backend, 'conversations:get', { id: hit.conversationId });
    expect(conv.messages.map((m) => m.id)).toContain(hit.messageId);

    await backend.dispose(2000);
    backend = start();
    const exported = await call<ExportFile>(backend, 'conversations:export', { id: null, format: 'json' });
    const back = JSON.parse(exported.content) as { conversations: { title: string; messages: { role: string; content: string }[] }[] };
    expect(back.conversations.map((c) => ({ title: c.title, messages: c.messages.map((m) => [m.role, m.content]) }))).toEqual(EXPECTED);
  });

  it('export, import into another Hearth, export again: the same text and code blocks', async () => {
    await importText(backend, JSON.stringify(chatgptExport()));
    const sent = await call<{ conversationId: string; streamId: string }>(backend, 'chat:send', {
      conversationId: null,
      text: 'Write this back:\n\n```ts\nconst x: number = 1; // `code`\n```',
    });
    await ended(sent.streamId);
    const first = await call<ExportFile>(backend, 'conversations:export', { id: null, format: 'json' });
    const firstMd = await call<ExportFile>(backend, 'conversations:export', { id: sent.conversationId, format: 'markdown' });
    expect(firstMd.content).toContain('```ts\nconst x: number = 1; // `code`\n```');

    const other = start(join(dir, 'other'));
    try {
      expect(await importText(other, first.content)).toMatchObject({ format: 'hearth', conversations: 5, branches: 0 });
      const second = await call<ExportFile>(other, 'conversations:export', { id: null, format: 'json' });
      const strip = (s: string): unknown => ({ ...JSON.parse(s), exportedAt: 0 });
      expect(strip(second.content)).toEqual(strip(first.content));
      const id = (await call<ConversationSummary[]>(other, 'conversations:list')).find((c) => c.title.startsWith('Write this back'))!.id;
      expect((await call<ExportFile>(other, 'conversations:export', { id, format: 'markdown' })).content).toBe(firstMd.content);
    } finally {
      await other.dispose(2000);
    }
  });

  it('refuses a hostile import with a clear reason and changes nothing', async () => {
    await importText(backend, JSON.stringify(chatgptExport()));
    const before = await call<ConversationSummary[]>(backend, 'conversations:list');
    seen = [];
    await expect(
      importText(backend, '{"format":"hearth.conversations","version":1,"exportedAt":1,"conversations":[{"title":1}]}'),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/damaged at conversations\.0\.title.*Nothing was imported\.$/),
    });
    await expect(importText(backend, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)).rejects.toThrow(/nests deeper/);
    await expect(call(backend, 'conversations:import', { uploadId: 'never-sent' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await call(backend, 'conversations:list')).toEqual(before);
    expect(seen.filter((s) => s.event === 'conversations:changed')).toEqual([]);
  });
});
