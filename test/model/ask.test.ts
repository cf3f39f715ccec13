import type Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import { AnswerRunner } from '../../electron/chat/answerRunner';
import { type ChatBackend, LocalChatBackend } from '../../electron/chat/chatBackend';
import { ConversationsRepo } from '../../electron/chat/conversationsRepo';
import { MessagesRepo } from '../../electron/chat/messagesRepo';
import { openDatabase } from '../../electron/db/open';
import type { ChatTurn } from '../../electron/inference/protocol';
import { AnswerSources } from '../../electron/rag/ask/answerSources';
import { engineGauge } from '../../electron/rag/ask/chatGauge';
import { NOTHING_FOUND_NOTE, SOURCES_INSTRUCTIONS } from '../../electron/rag/ask/sourcesPrompt';
import type { ChatDelta, ChatEnd } from '../../shared/contract';
import type { Collection, CollectionDocument, DocumentView, Passage } from '../../shared/rag';
import type { ConversationWithMessages, Message } from '../../shared/types';
import { callHandler, type Seen, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

/**
 * Asking with documents on the real engine: a folder ingested through the handler table (keyword-only first, then
 * embedded by the 1M tiny model, so search is hybrid), the real retriever, the answer written by the tiny chat
 * model, the prompt as the engine received it, and the citations as conversations:get returns them.
 *
 * The answer runner here is built beside the backend's with the document sources plugged in, the way
 * electron/api/backend.ts is asked to wire it; its repositories use a second connection to the same database.
 */
let dir: string;
let cleanup: () => void;
let b: Backend;
let db: Database.Database;
let runner: AnswerRunner;
let chatModel: string;
let embedModel: string;
const seen: Seen = [];
/** The turns of every answer, as the engine was given them. */
const prompts: ChatTurn[][] = [];
let searches = 0;

const FILES: Record<string, string> = {
  'kiln.md': '# The kiln\n\nThe Emberfold kiln reaches 1,280 degrees and holds that heat for ninety minutes.\n',
  'glaze.md': '# Glazes\n\nCeladon glaze melts at cone six in the Emberfold kiln.\n',
  'clay.txt': 'Stoneware clay is wedged for ten minutes before throwing on the wheel.\n',
  'wheel.txt': 'The potter wheel spins at two hundred turns a minute.\n',
  'studio.md': '# Studio\n\nThe studio opens at nine and the Emberfold kiln is loaded on Fridays.\n',
};

/** Waits for every file of the folder to be indexed (in the setup, where expect.poll cannot run). */
async function waitIndexed(id: string): Promise<void> {
  const statuses = async () =>
    (await callHandler<CollectionDocument[]>(b, 'collections:documents', { id })).map((d) => `${d.fileName}:${d.status}`);
  const deadline = Date.now() + 60_000;
  while ((await statuses()).filter((s) => s.endsWith(':indexed')).length < Object.keys(FILES).length) {
    if (Date.now() > deadline) throw new Error(`the folder was not indexed: ${JSON.stringify(await statuses())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asks in a new conversation that answers from `collectionIds`; resolves with the stored answer. */
async function ask(collectionIds: string[], text: string): Promise<{ answer: Message; prompt: ChatTurn[]; end: ChatEnd }> {
  const { id } = await callHandler<{ id: string }>(b, 'conversations:create');
  await callHandler(b, 'conversations:setCollections', { id, collectionIds });
  const before = prompts.length;
  const sent = await runner.send({ conversationId: id, text });
  await expect
    .poll(() => seen.some((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === sent.streamId), { timeout: 30_000 })
    .toBe(true);
  const end = seen.find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === sent.streamId)!.payload as ChatEnd;
  const chat = await callHandler<ConversationWithMessages>(b, 'conversations:get', { id });
  return { answer: chat.messages.find((m) => m.role === 'assistant')!, prompt: prompts[before]!, end };
}

let collection: Collection;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(docs, name), text);
  chatModel = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  embedModel = tinyModel(dir, 'embeds.gguf');
  b = startBackend(dir, seen);
  await callHandler(b, 'models:add', { path: chatModel });
  await callHandler(b, 'settings:update', { maxTokens: 16, temperature: 0, systemPrompt: 'Be brief.', contextSize: 2048 });
  await callHandler(b, 'models:load', { path: chatModel });
  collection = await callHandler<Collection>(b, 'collections:create', { name: 'Pottery' });
  await callHandler(b, 'collections:addSource', { id: collection.id, path: docs, watch: false });
  await waitIndexed(collection.id);

  ({ db } = openDatabase(join(dir, 'data', 'hearth.db')));
  const local = new LocalChatBackend(b.scheduler);
  const recording: ChatBackend = {
    kind: 'local',
    generate: (turns, options, call) => {
      prompts.push(turns);
      return local.generate(turns, options, call);
    },
  };
  runner = new AnswerRunner({
    conversations: new ConversationsRepo(db),
    messages: new MessagesRepo(db),
    settings: b.settings,
    events: b.events,
    backend: recording,
    resolveModel: () => b.models.resolveForChat(),
    transaction: (fn) => db.transaction(fn)(),
    sources: new AnswerSources({
      db,
      search: (ids, query, limit) => {
        searches += 1;
        return b.collections.search(ids, query, limit);
      },
      gauge: engineGauge({ host: b.host, scheduler: b.scheduler, fallbackContext: () => b.settings.get().contextSize || 4096 }),
    }),
  });
});

afterAll(async () => {
  await runner?.stopAll();
  db?.close();
  await b?.dispose(3000);
  cleanup?.();
});

describe('asking with documents on the real engine', () => {
  it('says in the prompt that nothing relevant was found, and stores an empty citation list, when no passage matches', async () => {
    const { answer, prompt, end } = await ask([collection.id], 'Quasars xylophone zeppelin?');
    expect(end.status).toBe('complete');
    expect(prompt[0]!.content).toContain(SOURCES_INSTRUCTIONS);
    expect(prompt.at(-1)!.content).toBe(`<sources>\n${NOTHING_FOUND_NOTE}\n</sources>\n\nQuasars xylophone zeppelin?`);
    expect(answer.citations).toEqual([]);
  });

  it('puts the passages found by keyword in numbered blocks in the prompt, and stores them as the answer’s citations', async () => {
    const { answer, prompt, end } = await ask([collection.id], 'Emberfold kiln heat');
    expect(end.status).toBe('complete');
    expect(answer.content.trim().split(/\s+/)).toEqual(Array(16).fill('the'));
    const question = prompt.at(-1)!.content;
    expect(question).toMatch(/^<sources>\n<source n="1" file="kiln\.md" section="The kiln">\n[^]*1,280 degrees[^]*?<\/source>\n/);
    expect(question.endsWith('</sources>\n\nEmberfold kiln heat')).toBe(true);
    const cited = answer.citations!;
    expect(cited.map((c) => c.n)).toEqual(cited.map((_, i) => i + 1));
    // Every passage the prompt numbers is a citation with that number, and the other way round.
    expect(numbered(question)).toEqual(cited.map((c) => [c.n, c.fileName]));
    expect(cited[0]).toMatchObject({ fileName: 'kiln.md', collectionId: collection.id, page: null, heading: 'The kiln' });
    expect(cited.every((c) => ['kiln.md', 'glaze.md', 'studio.md'].includes(c.fileName))).toBe(true);

    const view = await callHandler<DocumentView>(b, 'documents:view', {
      documentId: cited[0]!.documentId,
      charStart: cited[0]!.charStart,
      charEnd: cited[0]!.charEnd,
    });
    expect(view.text.slice(view.highlight.start, view.highlight.end)).toContain('1,280 degrees');
  });

  it('answers from hybrid search once the 1M tiny model embeds the collection, numbering passages as the retriever ranked them', async () => {
    await callHandler(b, 'models:add', { path: embedModel });
    await callHandler(b, 'collections:setEmbeddingModel', { path: embedModel });
    await expect
      .poll(
        async () => {
          const c = (await callHandler<Collection[]>(b, 'collections:list')).find((x) => x.id === collection.id)!;
          return [c.embeddingModel, c.dimensions, c.ingest.state, c.stats.indexed];
        },
        { timeout: 60_000 },
      )
      .toEqual([embedModel, 128, 'idle', Object.keys(FILES).length]);
    const found = await callHandler<Passage[]>(b, 'collections:search', { ids: [collection.id], query: 'Emberfold kiln heat' });
    expect(found.some((p) => p.via.includes('vector'))).toBe(true);

    const { answer, prompt } = await ask([collection.id], 'Emberfold kiln heat');
    const cited = answer.citations!;
    // Vector search finds neighbours for any question, so every file is a passage, numbered in the order the
    // retriever ranked them (random weights make the vector side's order arbitrary, but it is the same each time).
    expect(cited.map((c) => c.fileName).sort()).toEqual(Object.keys(FILES).sort());
    expect(cited.map((c) => [c.documentId, c.charStart])).toEqual(found.map((p) => [p.documentId, p.charStart]));
    expect(numbered(prompt.at(-1)!.content)).toEqual(cited.map((c) => [c.n, c.fileName]));
  });

  it('continues a stopped answer with the passages it cited: the same numbers, no new search', async () => {
    await callHandler(b, 'settings:update', { maxTokens: 0 });
    const { id } = await callHandler<{ id: string }>(b, 'conversations:create');
    await callHandler(b, 'conversations:setCollections', { id, collectionIds: [collection.id] });
    const sent = await runner.send({ conversationId: id, text: 'Emberfold kiln heat' });
    const first = prompts.length;
    await expect.poll(() => seen.some((s) => s.event === 'chat:delta' && (s.payload as ChatDelta).streamId === sent.streamId)).toBe(true);
    await runner.stop(sent.streamId);
    await callHandler(b, 'settings:update', { maxTokens: 16 });
    const stopped = (await callHandler<ConversationWithMessages>(b, 'conversations:get', { id })).messages[1]!;
    expect(stopped.status).toBe('stopped');
    expect(stopped.citations!.length).toBeGreaterThan(0);

    const searchesBefore = searches;
    const more = await runner.continue({ messageId: stopped.id });
    await expect
      .poll(
        () =>
          seen.some(
            (s) =>
              s.event === 'chat:end' && (s.payload as ChatEnd).streamId === more.streamId && (s.payload as ChatEnd).status === 'complete',
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(searches).toBe(searchesBefore);
    const continued = (await callHandler<ConversationWithMessages>(b, 'conversations:get', { id })).messages[1]!;
    expect(continued.citations).toEqual(stopped.citations);
    // The continued prompt quotes the same passages, read again from the documents, with the partial answer after.
    expect(prompts[first]!.at(-1)!.role).toBe('user');
    const again = prompts.at(-1)!;
    expect(again.at(-1)).toEqual({ role: 'assistant', content: stopped.content });
    expect(again.at(-2)).toEqual(prompts[first]!.at(-1));
  });

  it("keeps fewer passages, the lowest-ranked dropped, when the loaded model's context is smaller", async () => {
    const wide = await ask([collection.id], 'Emberfold kiln');
    const n = wide.answer.citations!.length;
    expect(n).toBeGreaterThanOrEqual(3);
    // The engine's own counts: the prompt with every passage, and with the note in their place.
    const all = (await b.scheduler.run('measure', { turns: wide.prompt, draft: '' })).total;
    const withNote = [
      ...wide.prompt.slice(0, -1),
      { role: 'user' as const, content: `<sources>\n${NOTHING_FOUND_NOTE}\n</sources>\n\nEmberfold kiln` },
    ];
    const base = (await b.scheduler.run('measure', { turns: withNote, draft: '' })).total;
    const perPassage = (all - base) / n;
    // llama.cpp sizes contexts in steps of 256 tokens: the largest step too small for every passage, which must
    // still hold the prompt, the 16-token answer and the best passage.
    const context = Math.floor((all + 16 - 1) / 256) * 256;
    expect(context).toBeGreaterThanOrEqual(base + 16 + perPassage);
    await callHandler(b, 'settings:update', { contextSize: context });
    await callHandler(b, 'models:unload');
    await callHandler(b, 'models:load', { path: chatModel });
    expect(b.host.loaded('chat')?.contextSize).toBe(context);
    const narrow = await ask([collection.id], 'Emberfold kiln');
    await callHandler(b, 'settings:update', { contextSize: 2048 });
    expect(narrow.end.status).toBe('complete');
    const files = (m: Message) => m.citations!.map((c) => c.fileName);
    expect(files(narrow.answer).length).toBeGreaterThan(0);
    expect(files(narrow.answer).length).toBeLessThan(n);
    expect(files(narrow.answer)).toEqual(files(wide.answer).slice(0, files(narrow.answer).length));
    // What was kept fits: the engine's count of the whole prompt leaves the answer its room.
    const used = await b.scheduler.run('measure', { turns: narrow.prompt, draft: '' });
    expect(used.total + 16).toBeLessThanOrEqual(context);
  });
});

/** The [n, file] of each numbered source block in a prompt. */
const numbered = (prompt: string): [number, string][] =>
  [...prompt.matchAll(/<source n="(\d+)" file="([^"]+)"/g)].map((m) => [Number(m[1]), m[2]!]);
