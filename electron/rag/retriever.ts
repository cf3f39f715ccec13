import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { Passage } from '../../shared/rag';
import { logWarn } from '../lib/log';
import type { Scheduler } from '../scheduler/scheduler';
import { ChunkIndex } from './index/chunkIndex';
import type { EmbeddingPrefixes } from './prefixes';

export interface RetrieverOptions {
  db: Database.Database;
  scheduler: Pick<Scheduler, 'embed' | 'rank'>;
  /** Shared with ingestion where there is one; otherwise the retriever makes its own. */
  index?: ChunkIndex;
  /** The embedding model collections are indexed with now (Settings.embeddingModelPath); null: keywords only. */
  embeddingModel: () => string | null;
  /**
   * The model's prefixes (from the catalog, electron/rag/prefixes.ts); null or absent: none. A function of the model,
   * since the model can change while the app runs.
   */
  prefixes?: (model: string) => EmbeddingPrefixes | null | Promise<EmbeddingPrefixes | null>;
  /** The reranker model (a path) when one is installed and chosen; null or absent: no rerank. */
  reranker?: () => string | null;
  /** How many fused passages the reranker reads (at least `limit`). */
  rerankPool?: number;
}

export interface SearchOptions {
  signal?: AbortSignal;
  /** Who asked, for the scheduler's fairness (a window, an API connection). */
  client?: string;
}

interface CollectionRow {
  id: string;
  embedding_model: string | null;
  dimensions: number | null;
}

const DEFAULT_RERANK_POOL = 30;

/** `text` as the model was trained to read it. */
export const withPrefix = (prefix: string | undefined, text: string): string => (prefix ? `${prefix}${text}` : text);

const isCancel = (error: unknown, signal?: AbortSignal): boolean =>
  signal?.aborted === true || (error instanceof AppError && error.code === 'CANCELLED');

/**
 * Hybrid retrieval over collections. The query is embedded with the collections' embedding model (through the
 * scheduler, at interactive priority, ahead of background ingestion) and searched by vector in the collections
 * embedded with that model; every collection is searched by keyword; the two are fused by reciprocal rank and,
 * when a reranker is configured, reranked by it. With no embedding model, or a collection still embedded with
 * another one (its re-embedding has not finished), that collection is searched by keyword alone.
 */
export class Retriever {
  private readonly index: ChunkIndex;
  private readonly collections: Database.Statement<[string], CollectionRow>;

  constructor(private readonly o: RetrieverOptions) {
    this.index = o.index ?? new ChunkIndex(o.db);
    this.collections = o.db.prepare('SELECT id, embedding_model, dimensions FROM collections WHERE id IN (SELECT value FROM json_each(?))');
  }

  /** The best `limit` passages for `query` in these collections, best first. */
  async search(collectionIds: string[], query: string, limit: number, options: SearchOptions = {}): Promise<Passage[]> {
    const rows = this.collections.all(JSON.stringify([...new Set(collectionIds)]));
    if (!rows.length || !query.trim()) return [];
    const ids = rows.map((r) => r.id);
    const reranker = this.o.reranker?.() ?? null;
    const pool = reranker ? Math.max(limit, this.o.rerankPool ?? DEFAULT_RERANK_POOL) : limit;
    const embedded = await this.embedQuery(rows, query, options);
    const fused = this.index.hybridSearch({
      collectionIds: ids,
      query,
      vector: embedded?.vector ?? null,
      vectorCollectionIds: embedded?.collectionIds ?? [],
      limit: pool,
    });
    if (!reranker || fused.length < 2) return fused.slice(0, limit);
    return (await this.rerank(reranker, query, fused, options)).slice(0, limit);
  }

  /** The query's vector and the collections it can be compared with; null: keyword search only. */
  private async embedQuery(
    rows: CollectionRow[],
    query: string,
    options: SearchOptions,
  ): Promise<{ vector: number[]; collectionIds: string[] } | null> {
    const model = this.o.embeddingModel();
    const usable = rows.filter((r) => model !== null && r.embedding_model === model && r.dimensions !== null);
    if (!model || !usable.length) return null;
    try {
      const prefix = (await this.o.prefixes?.(model))?.query;
      const { vectors } = await this.o.scheduler.embed({
        client: options.client ?? 'retrieval',
        priority: 'interactive',
        model,
        texts: [withPrefix(prefix, query)],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const vector = vectors[0];
      if (!vector) return null;
      const collectionIds = usable.filter((r) => r.dimensions === vector.length).map((r) => r.id);
      return collectionIds.length ? { vector, collectionIds } : null;
    } catch (error) {
      if (isCancel(error, options.signal)) throw error;
      // The passages the keywords find are still worth giving: an answer with them beats an error.
      logWarn('query embedding failed; searching by keyword alone', error);
      return null;
    }
  }

  /** Orders passages by the reranker's scores (its relevance, not the fused rank), best first. */
  private async rerank(model: string, query: string, passages: Passage[], options: SearchOptions): Promise<Passage[]> {
    try {
      const { scores } = await this.o.scheduler.rank({
        client: options.client ?? 'retrieval',
        priority: 'interactive',
        model,
        query,
        documents: passages.map((p) => p.text),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (scores.length !== passages.length) throw new Error(`${scores.length} scores for ${passages.length} passages`);
      return passages.map((p, i) => ({ ...p, score: scores[i]!, via: [...p.via, 'rerank' as const] })).sort((a, b) => b.score - a.score);
    } catch (error) {
      if (isCancel(error, options.signal)) throw error;
      logWarn('rerank failed; keeping the fused order', error);
      return passages;
    }
  }
}
