import { describe, expect, it } from 'vitest';
import { EMPTY_STATS } from '../../../../electron/chat/messagesRepo';
import { buildTurns } from '../../../../electron/chat/promptBuilder';
import { openDatabase } from '../../../../electron/db/open';
import { AnswerSources, type SearchPassages } from '../../../../electron/rag/ask/answerSources';
import type { ChatGauge } from '../../../../electron/rag/ask/chatGauge';
import type { Citation, Passage } from '../../../../shared/rag';
import type { Message } from '../../../../shared/types';
import { passageOf, type SeedDocument, seedCollection } from './seedDocuments';

const kiln: SeedDocument = {
  id: 'd-kiln',
  path: '/docs/kiln.pdf',
  text: 'Page one is about clay.\nPage two: the kiln reaches 1,280 degrees.\nPage three: glazes melt.',
  pages: [
    { page: 1, start: 0 },
    { page: 2, start: 24 },
    { page: 3, start: 66 },
  ],
  chunks: [
    { start: 24, end: 65, page: 2 },
    { start: 66, end: 90, page: 3 },
    { start: 0, end: 23, page: 1 },
  ],
};

const msg = (role: Message['role'], content: string, over: Partial<Message> = {}): Message => ({
  id: `${role}-${content}`,
  conversationId: 'c',
  role,
  content,
  status: 'complete',
  error: null,
  model: null,
  stats: EMPTY_STATS,
  thoughts: '',
  thoughtMs: null,
  createdAt: 1,
  ...over,
});

/** Counts four characters a token, in a context of `contextSize`: the engine's role, played in a unit test. */
function gauge(contextSize: number): ChatGauge & { measured: number } {
  const g = {
    measured: 0,
    measure: async (turns: { content: string }[]) => {
      g.measured += 1;
      return { tokens: Math.ceil(turns.reduce((n, t) => n + t.content.length, 0) / 4), contextSize, exact: true };
    },
    count: async (texts: string[]) => texts.map((t) => Math.ceil(t.length / 4)),
  };
  return g;
}

function setup(found: Passage[] = [], contextSize = 8192) {
  const { db } = openDatabase(':memory:');
  db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'Chat', 1, 1)").run();
  seedCollection(db, { id: 'col', name: 'Pottery', documents: [kiln] });
  const searches: { ids: string[]; query: string; limit: number }[] = [];
  const search: SearchPassages = async (ids, query, limit) => {
    searches.push({ ids, query, limit });
    return found;
  };
  const g = gauge(contextSize);
  const sources = new AnswerSources({ db, search, gauge: g });
  const attach = (): void => void db.prepare("INSERT INTO conversation_collections VALUES ('c', 'col')").run();
  const history = [msg('user', 'An earlier question'), msg('assistant', 'An earlier answer'), msg('user', ' How hot is the kiln? ')];
  const prepare = (
    over: { continuing?: Message; maxTokens?: number; signal?: AbortSignal; overflow?: 'dropOldest' | 'stop'; earlier?: Message[] } = {},
  ) => {
    const path = [...(over.earlier ?? []), ...history, ...(over.continuing ? [over.continuing] : [])];
    return sources.prepare({
      conversationId: 'c',
      history: path,
      continuing: over.continuing ?? null,
      maxTokens: over.maxTokens ?? 200,
      overflow: over.overflow ?? 'stop',
      turnsWith: (s) => buildTurns('Be brief.', path, s),
      signal: over.signal ?? new AbortController().signal,
    });
  };
  return { db, searches, prepare, attach, gauge: g };
}

describe('finding the passages an answer draws on', () => {
  it('does nothing for a conversation with no collections: no search, a plain chat', async () => {
    const t = setup([passageOf('col', kiln, 0)]);
    expect(await t.prepare()).toBeNull();
    expect(t.searches).toEqual([]);
  });

  it("searches the conversation's collections for the question and numbers the passages in rank order", async () => {
    const t = setup([passageOf('col', kiln, 0), passageOf('col', kiln, 1)]);
    t.attach();
    const r = (await t.prepare())!;
    expect(t.searches).toEqual([{ ids: ['col'], query: 'How hot is the kiln?', limit: 8 }]);
    expect(r.sources).toEqual({
      none: null,
      passages: [
        { n: 1, fileName: 'kiln.pdf', page: 2, heading: null, text: 'Page two: the kiln reaches 1,280 degrees.' },
        { n: 2, fileName: 'kiln.pdf', page: 3, heading: null, text: 'Page three: glazes melt.' },
      ],
    });
    expect(r.citations).toEqual([
      {
        n: 1,
        documentId: 'd-kiln',
        collectionId: 'col',
        path: '/docs/kiln.pdf',
        fileName: 'kiln.pdf',
        page: 2,
        heading: null,
        snippet: 'Page two: the kiln reaches 1,280 degrees.',
        charStart: 24,
        charEnd: 65,
      },
      expect.objectContaining({ n: 2, page: 3, charStart: 66, charEnd: 90 }),
    ]);
  });

  it('numbers the passages best first by score, whatever order they came in', async () => {
    const t = setup([passageOf('col', kiln, 1, 0.01), passageOf('col', kiln, 0, 0.03), passageOf('col', kiln, 2, 0.02)]);
    t.attach();
    expect((await t.prepare())!.citations.map((c) => [c.n, c.page])).toEqual([
      [1, 2],
      [2, 1],
      [3, 3],
    ]);
  });

  it('says nothing relevant was found when the search finds nothing, with no citations', async () => {
    const t = setup([]);
    t.attach();
    expect(await t.prepare()).toEqual({ sources: { passages: [], none: 'nothing-found' }, citations: [] });
  });

  it('holds reranked passages to a score floor, and finds nothing when all fall below it', async () => {
    const low = (i: number, score: number): Passage => ({ ...passageOf('col', kiln, i), score, via: ['keyword', 'vector', 'rerank'] });
    const t = setup([low(0, 0.04), low(1, 0.02)]);
    t.attach();
    expect(await t.prepare()).toEqual({ sources: { passages: [], none: 'nothing-found' }, citations: [] });
    const u = setup([low(0, 0.9), low(1, 0.02)]);
    u.attach();
    expect((await u.prepare())!.citations.map((c) => c.charStart)).toEqual([24]);
  });

  it('drops the lowest-ranked passages when the context cannot hold them all beside the chat and the answer', async () => {
    const big = (i: number): Passage => ({ ...passageOf('col', kiln, i % 3, 1 / (61 + i)), text: `${i} ${'word '.repeat(100)}` });
    const found = [big(0), big(1), big(2), big(3)];
    // Room for the prompt (about 230 tokens), a 200-token answer and two ~130-token passages, not three.
    const t = setup(found, 230 + 200 + 2 * 132 + 60);
    t.attach();
    const r = (await t.prepare())!;
    expect(r.sources.passages.map((p) => [p.n, p.text.split(' ')[0]])).toEqual([
      [1, '0'],
      [2, '1'],
    ]);
    expect(r.citations.map((c) => c.n)).toEqual([1, 2]);
    // A shorter answer leaves room for more.
    expect((await t.prepare({ maxTokens: 50 }))!.citations.map((c) => c.n)).toEqual([1, 2, 3]);
  });

  it('lets passages push the oldest messages out of a chat longer than the context when the engine drops them, never when it refuses', async () => {
    const found = [0, 1, 2].map((i) => ({ ...passageOf('col', kiln, i), text: `${i} ${'word '.repeat(100)}` }));
    const t = setup(found, 2048);
    t.attach();
    const earlier = Array.from({ length: 40 }, (_, i) => msg(i % 2 ? 'assistant' : 'user', `${i} ${'chat '.repeat(40)}`));
    // About 2,000 tokens of chat: nothing is left beside it.
    expect(await t.prepare({ earlier, overflow: 'stop' })).toEqual({ sources: { passages: [], none: 'no-room' }, citations: [] });
    // Up to half the context goes to passages, and the oldest messages leave the model's view.
    const r = (await t.prepare({ earlier, overflow: 'dropOldest' }))!;
    expect(r.citations.map((c) => c.n)).toEqual([1, 2, 3]);
    const many = setup(
      Array.from({ length: 8 }, (_, i) => ({ ...passageOf('col', kiln, i % 3, 1 / (61 + i)), text: `${i} ${'word '.repeat(100)}` })),
      2048,
    );
    many.attach();
    // Eight passages of about 130 tokens would take half the context and more: seven fit in 1,024 tokens.
    expect((await many.prepare({ earlier, overflow: 'dropOldest' }))!.citations.map((c) => c.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('says the passages found did not fit when not even the best one does', async () => {
    const t = setup([{ ...passageOf('col', kiln, 0), text: 'word '.repeat(2000) }], 2048);
    t.attach();
    expect(await t.prepare()).toEqual({ sources: { passages: [], none: 'no-room' }, citations: [] });
  });

  it('continues an answer with the passages it cited, read again from the documents, without searching', async () => {
    const t = setup([passageOf('col', kiln, 2)]);
    t.attach();
    const cited: Citation[] = [
      { ...(await t.prepare())!.citations[0]!, n: 1, charStart: 24, charEnd: 65, snippet: 'stale' },
      {
        n: 2,
        documentId: 'gone',
        collectionId: 'col',
        path: '/docs/x.md',
        fileName: 'x.md',
        page: null,
        heading: null,
        snippet: 'the snippet',
        charStart: 0,
        charEnd: 5,
      },
    ];
    t.searches.length = 0;
    const r = (await t.prepare({ continuing: msg('assistant', 'It reaches [1]', { status: 'stopped', citations: cited }) }))!;
    expect(t.searches).toEqual([]);
    expect(r.citations).toBe(cited);
    expect(r.sources.passages.map((p) => [p.n, p.text])).toEqual([
      [1, 'Page two: the kiln reaches 1,280 degrees.'],
      [2, 'the snippet'],
    ]);
  });

  it('stops when the answer is stopped while the search runs', async () => {
    const t = setup([passageOf('col', kiln, 0)]);
    t.attach();
    const controller = new AbortController();
    controller.abort();
    await expect(t.prepare({ signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(t.gauge.measured).toBe(0);
  });
});
