import type Database from 'better-sqlite3';
import { SEARCH_MARK_END, SEARCH_MARK_START, type MessageRole, type SearchHit } from '../../shared/types';
import { matchExpression, parseQuery } from './searchQuery';

/**
 * A word found in at most this many messages is selective. Counting stops here, so a word in every message costs
 * as much to count as a rare one; and bm25 over at most this many matches stays within a few milliseconds.
 */
export const SELECTIVE_MAX = 2000;
const SNIPPET_TOKENS = 16;

/** How a search ordered its message hits: by bm25 over its selective phrases, or newest stored first. */
export type SearchOrder = 'relevance' | 'newest';

export interface SearchResult {
  hits: SearchHit[];
  order: SearchOrder;
}

export interface SearchOptions {
  /** Message hits returned at most. */
  limit?: number;
  /** Title hits returned at most (they come first). */
  titleLimit?: number;
}

interface MessageRow {
  rowid: number;
  id: string;
  conversation_id: string;
  role: MessageRole;
  created_at: number;
  title: string;
}

interface TitleRow {
  id: string;
  title: string;
  created_at: number;
}

/**
 * Full-text search over titles and messages (FTS5). The plan, measured at 1,000,000 messages (bench/search.mts):
 *
 * - Ranking by bm25 reads every match, and bm25 also reads each phrase's whole doclist to weigh it (its idf): a
 *   word in nearly every message takes 1.6 s to rank by. So each word is first counted, up to SELECTIVE_MAX (well
 *   under a millisecond, however common the word), and a phrase with a word that stays under it is selective.
 * - Every phrase selective: bm25 over the matches. Some: bm25 over the selective phrases alone, and the common ones
 *   only filter (their weight in bm25 would be near zero anyway). None: the newest stored messages first, which
 *   FTS5 reads off its index from the end, stopping after `limit` matches.
 * - The last word, while it is being typed, is also a prefix, unless it is already a common word.
 */
export class SearchRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    const marks = `'${SEARCH_MARK_START}', '${SEARCH_MARK_END}'`;
    const snippet = `snippet(messages_fts, 0, ${marks}, '…', ${SNIPPET_TOKENS})`;
    const titleHits = (order: string): string =>
      `SELECT rowid, highlight(conversations_fts, 0, ${marks}) AS snippet FROM conversations_fts
       WHERE conversations_fts MATCH ? ORDER BY ${order} LIMIT ?`;
    const count = (table: string): string => `SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE ${table} MATCH ? LIMIT ?)`;
    this.stmts = {
      countMessages: db.prepare<[string, number], number>(count('messages_fts')).pluck(),
      countTitles: db.prepare<[string, number], number>(count('conversations_fts')).pluck(),
      messageIds: db.prepare<[string, number], number>('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?').pluck(),
      rankedIds: db.prepare<[string], number>('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank').pluck(),
      byRank: db.prepare<[string, number], { rowid: number; snippet: string }>(
        `SELECT rowid, ${snippet} AS snippet FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?`,
      ),
      newest: db.prepare<[string, number], { rowid: number; snippet: string }>(
        `SELECT rowid, ${snippet} AS snippet FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?`,
      ),
      snippetOf: db
        .prepare<[string, number], string>(`SELECT ${snippet} FROM messages_fts WHERE messages_fts MATCH ? AND rowid = ?`)
        .pluck(),
      message: db.prepare<[number], MessageRow>(`
        SELECT m.rowid, m.id, m.conversation_id, m.role, m.created_at, c.title
        FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.rowid = ?`),
      titlesByRank: db.prepare<[string, number], { rowid: number; snippet: string }>(titleHits('rank')),
      titlesByNewest: db.prepare<[string, number], { rowid: number; snippet: string }>(titleHits('rowid DESC')),
      conversation: db.prepare<[number], TitleRow>('SELECT id, title, created_at FROM conversations WHERE rowid = ?'),
    };
  }

  /** Titles, then messages, that match every phrase of `query`, each with its matched terms marked. */
  search(query: string, options: SearchOptions = {}): SearchResult {
    const { phrases, typing } = parseQuery(query);
    if (phrases.length === 0) return { hits: [], order: 'relevance' };
    const count = (match: string): number => this.stmts.countMessages.get(match, SELECTIVE_MAX + 1) ?? 0;
    const words = new Map([...new Set(phrases.flat())].map((w) => [w, count(matchExpression([[w]])!)]));
    const last = phrases.at(-1)!;
    // A word still being typed is also a prefix, unless it is already a common word: "the"* reads the doclist of
    // every word that starts with "the". A prefix is selective if its own count is (it reads few doclists then).
    const prefix = typing && words.get(last[0]!)! <= SELECTIVE_MAX;
    const selective = new Set(
      phrases.filter((p) =>
        prefix && p === last
          ? count(matchExpression([p], true)!) <= SELECTIVE_MAX
          : Math.min(...p.map((w) => words.get(w)!)) <= SELECTIVE_MAX,
      ),
    );
    const full = matchExpression(phrases, prefix)!;
    const limit = options.limit ?? 30;
    let found: { rowid: number; snippet: string }[];
    if (selective.size === phrases.length) {
      found = this.stmts.byRank.all(full, limit);
    } else if (selective.size === 0) {
      found = this.stmts.newest.all(full, limit);
    } else {
      // Rank by the selective phrases alone; the common ones only filter (their bm25 weight would be near zero).
      const ranking = phrases.filter((p) => selective.has(p));
      const matching = new Set(this.stmts.messageIds.all(full, SELECTIVE_MAX + 1));
      const ids = this.stmts.rankedIds.all(matchExpression(ranking, prefix && selective.has(last))!).filter((id) => matching.has(id));
      // A common prefix would be expanded again for every snippet; the snippet marks the other phrases instead.
      const marked = prefix && !selective.has(last) ? matchExpression(phrases.slice(0, -1))! : full;
      found = ids.slice(0, limit).map((rowid) => ({ rowid, snippet: this.stmts.snippetOf.get(marked, rowid) ?? '' }));
    }
    const messages = found.flatMap(({ rowid, snippet }) => {
      const m = this.stmts.message.get(rowid);
      return m
        ? [{ conversationId: m.conversation_id, title: m.title, messageId: m.id, role: m.role, snippet, createdAt: m.created_at }]
        : [];
    });
    return { hits: [...this.titles(full, options.titleLimit ?? 5), ...messages], order: selective.size ? 'relevance' : 'newest' };
  }

  /** Titles are few (one per conversation), so the plain plan holds: rank when at most SELECTIVE_MAX match. */
  private titles(match: string, limit: number): SearchHit[] {
    const rank = this.stmts.countTitles.get(match, SELECTIVE_MAX + 1)! <= SELECTIVE_MAX;
    return (rank ? this.stmts.titlesByRank : this.stmts.titlesByNewest).all(match, limit).flatMap(({ rowid, snippet }) => {
      const c = this.stmts.conversation.get(rowid);
      return c ? [{ conversationId: c.id, title: c.title, messageId: null, role: null, snippet, createdAt: c.created_at }] : [];
    });
  }
}
