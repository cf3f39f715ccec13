import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SearchRepo, SELECTIVE_MAX } from '../../../electron/chat/searchRepo';
import { openDatabase } from '../../../electron/db/open';
import { SEARCH_MARK_END as E, SEARCH_MARK_START as S } from '../../../shared/types';

let db: Database.Database;
let search: SearchRepo;
let seq = 0;

function conversation(id: string, title: string): void {
  db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 1, 1)').run(id, title);
}
function message(conversationId: string, content: string, id = `m${++seq}`): string {
  db.prepare(
    "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES (?, ?, ?, 'user', ?, 'complete', ?)",
  ).run(id, conversationId, ++seq, content, seq);
  return id;
}
const messageIds = (q: string): (string | null)[] => search.search(q).hits.flatMap((h) => (h.messageId ? [h.messageId] : []));

beforeEach(() => {
  ({ db } = openDatabase(':memory:'));
  search = new SearchRepo(db);
  seq = 0;
});
afterEach(() => db.close());

describe('search', () => {
  it('finds titles first, then messages, with every matched term marked and the passage around it', () => {
    conversation('c1', 'Splitting oak');
    conversation('c2', 'Kindling');
    message('c2', 'Dry oak burns hot. Split the oak logs before winter, then stack them under cover.', 'hit');
    message('c2', 'Pine burns fast.');
    const hits = search.search('oak ').hits;
    expect(hits.map((h) => [h.conversationId, h.messageId])).toEqual([
      ['c1', null],
      ['c2', 'hit'],
    ]);
    expect(hits[0]).toMatchObject({ title: 'Splitting oak', snippet: `Splitting ${S}oak${E}`, role: null });
    expect(hits[1]).toMatchObject({ title: 'Kindling', role: 'user' });
    expect(hits[1]!.snippet).toContain(`${S}oak${E} burns`);
    expect(hits[1]!.snippet).toContain(`the ${S}oak${E} logs`);
  });

  it('matches every word, a quoted phrase only in order, and the last word as typed as a prefix', () => {
    conversation('c', 'c');
    const a = message('c', 'the quick brown fox');
    const b = message('c', 'brown and quick foxes');
    expect(messageIds('quick brown ')).toEqual(expect.arrayContaining([a, b]));
    expect(messageIds('"quick brown"')).toEqual([a]);
    expect(messageIds('fox ')).toEqual([a]);
    expect(messageIds('fox').sort()).toEqual([a, b].sort());
    expect(messageIds('quick zebra ')).toEqual([]);
    expect(messageIds('')).toEqual([]);
  });

  it('ranks a selective query by bm25 and lists a common one newest first (the plan the benchmark measured)', () => {
    conversation('c', 'c');
    const insert = db.transaction(() => {
      for (let i = 0; i < SELECTIVE_MAX + 50; i++) message('c', `common filler text number ${i}`);
    });
    insert();
    // "ember" is rare: the message that says it most, for its length, comes first though it is the oldest.
    const dense = message('c', 'ember ember ember');
    const sparse = message('c', 'one ember among many other words that dilute how much this message is about it');
    db.prepare('UPDATE messages SET seq = -1 WHERE id = ?').run(dense);
    const rare = search.search('ember ');
    expect(rare.order).toBe('relevance');
    expect(rare.hits.map((h) => h.messageId)).toEqual([dense, sparse]);

    // "common" is in more than SELECTIVE_MAX messages: the newest come first, 30 of them.
    const latest = message('c', 'common at last');
    const common = search.search('common ');
    expect(common.order).toBe('newest');
    expect(common.hits).toHaveLength(30);
    expect(common.hits[0]!.messageId).toBe(latest);

    // A rare word with a common one: the rare word ranks, the common word only filters, and both are marked.
    const both = message('c', 'common ember');
    const mixed = search.search('ember common ');
    expect(mixed.order).toBe('relevance');
    expect(mixed.hits.map((h) => h.messageId)).toEqual([both]);
    expect(mixed.hits[0]!.snippet).toBe(`${S}common${E} ${S}ember${E}`);
  });

  it('does not expand a common word being typed into a prefix, but does expand a rare one', () => {
    conversation('c', 'c');
    db.transaction(() => {
      for (let i = 0; i < SELECTIVE_MAX + 10; i++) message('c', `the filler ${i}`);
    })();
    const theme = message('c', 'a theme');
    // "the" is common: typed, it stays "the", so "theme" does not match.
    expect(search.search('the').hits.some((h) => h.messageId === theme)).toBe(false);
    expect(messageIds('them')).toEqual([theme]);
  });
});
