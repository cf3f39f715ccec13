import type Database from 'better-sqlite3';
import { keywordQuery, matchOf } from './keywordQuery';

/**
 * The rows bm25 may score for one query. FTS5 scores every chunk that matches any OR-ed term before it can sort, so
 * a word in 60,000 of 100,000 chunks costs 60 ms by itself (bench/rag.mts); terms are taken rarest first while
 * their chunks fit in this budget (the rarest is always taken). A common word adds little to bm25 anyway, and the
 * vector search still reads the question whole.
 */
const KEYWORD_ROWS = 10_000;
/** How many more matches than asked for are ranked over every collection before the filtered ranking is needed. */
const KEYWORD_OVERFETCH = 3;
export interface KeywordSearchOptions {
  /** The rows bm25 may score for one query (KEYWORD_ROWS); tests lower it. */
  keywordRows?: number;
}

/** Keyword search over the chunks' FTS5 index, ranked by bm25, within the asked collections. */
export class KeywordSearch {
  private readonly filtered: Database.Statement<{ match: string; ids: string; n: number }, { id: number }>;
  private readonly unfiltered: Database.Statement<{ match: string; n: number }, { id: number; collection: string }>;
  private readonly termChunks: Database.Statement<[string], number>;

  constructor(
    db: Database.Database,
    private readonly options: KeywordSearchOptions = {},
  ) {
    // FTS5 ranks on its own fastest (no join for each match): the first choice, filtered by collection afterwards.
    this.unfiltered = db.prepare(
      `SELECT f.id, c.collection_id AS collection
       FROM (SELECT rowid AS id, rank FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY rank LIMIT @n) f
       JOIN chunks c ON c.id = f.id ORDER BY f.rank`,
    );
    this.filtered = db.prepare(
      `SELECT c.id AS id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
       WHERE chunks_fts MATCH @match AND c.collection_id IN (SELECT value FROM json_each(@ids))
       ORDER BY bm25(chunks_fts) LIMIT @n`,
    );
    // fts5vocab reads the index's own per-term counts; in temp, so the database's schema is not changed by it.
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_terms USING fts5vocab(main, chunks_fts, 'row')");
    this.termChunks = db.prepare<[string], number>('SELECT doc FROM temp.chunks_fts_terms WHERE term = ?').pluck();
  }

  /** Chunk ids ranked by bm25 for the rarer words of `query`, best first. */
  search(collectionIds: string[], query: string, limit: number): number[] {
    const match = matchOf(this.selective(keywordQuery(query).phrases));
    if (!match || !collectionIds.length) return [];
    // The best matches over every collection, kept where they are in the asked ones; when other collections took
    // too many of the places, FTS5 ranks again with the collection filter joined in (slower: a join per match).
    const asked = new Set(collectionIds);
    const top = this.unfiltered.all({ match, n: limit * KEYWORD_OVERFETCH });
    const kept = top.filter((r) => asked.has(r.collection));
    if (kept.length >= limit || top.length < limit * KEYWORD_OVERFETCH) return kept.slice(0, limit).map((r) => r.id);
    return this.filtered.all({ match, ids: JSON.stringify(collectionIds), n: limit }).map((r) => r.id);
  }

  /** The terms to search for: rarest first while the chunks they match fit in KEYWORD_ROWS, the rarest always. */
  private selective(phrases: string[][]): string[][] {
    // The index holds words folded (lower case, accents removed: the tokenizer's remove_diacritics); a phrase
    // matches at most as many chunks as its rarest word.
    const fold = (w: string): string => w.normalize('NFD').replace(/\p{M}+/gu, '');
    const counted = phrases.map((p) => ({ p, n: Math.min(...p.map((w) => this.termChunks.get(fold(w)) ?? 0)) })).sort((a, b) => a.n - b.n);
    const chosen: string[][] = [];
    let rows = 0;
    for (const { p, n } of counted) {
      if (chosen.length && rows + n > (this.options.keywordRows ?? KEYWORD_ROWS)) break;
      chosen.push(p);
      rows += n;
    }
    return chosen;
  }
}
