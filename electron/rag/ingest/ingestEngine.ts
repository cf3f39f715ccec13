import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { LibraryModel } from '../../../shared/models';
import type { Passage } from '../../../shared/rag';
import { describeError } from '../../lib/log';
import type { Scheduler } from '../../scheduler/scheduler';
import type { SettingsService } from '../../settings/settingsService';

import { chunkText, estimateTokens } from '../chunker';
import type { CollectionsRepo } from '../collections/collectionsRepo';
import type { DocumentsRepo } from '../collections/documentsRepo';
import { extractFile } from '../extract/extractFile';
import { ChunkIndex } from '../index/chunkIndex';
import { prefixesFor, type EmbeddingPrefixes } from '../prefixes';
import { Retriever } from '../retriever';
import { EmbeddingClient } from './embeddingClient';
import { type DocumentContext, ingestDocument } from './ingestDocument';
import type { Chunker, ChunkStore, Extractor } from './ingestPorts';
import type { DocumentWorker } from './ingestRunner';

/** Passages aim at this many tokens, with this much overlap (an embedding model's sweet spot, well inside its context). */
export const CHUNK_TOKENS = 256;
export const CHUNK_OVERLAP = 32;

export interface IngestEngineDeps {
  db: Database.Database;
  scheduler: Scheduler;
  settings: SettingsService;
  collections: CollectionsRepo;
  docs: DocumentsRepo;
  maxFileBytes: number;
  library?: { find(path: string): Promise<LibraryModel | null> };
  store?: ChunkStore;
  extract?: Extractor;
  chunk?: Chunker;
  search?: (ids: string[], query: string, limit: number) => Promise<Passage[]>;
}

export interface IngestEngine {
  store: ChunkStore;
  /** A run's document worker: the embedding model (loaded, its dimensions known) and its document prefix. */
  prepare(collectionId: string, signal: AbortSignal): Promise<DocumentWorker>;
  /** Refuses a path that is not a library model that can embed. */
  checkModel(path: string): Promise<void>;
  search(ids: string[], query: string, limit: number): Promise<Passage[]>;
}

const defaultChunker: Chunker = (doc, countTokens) =>
  chunkText(doc, { targetTokens: CHUNK_TOKENS, overlapTokens: CHUNK_OVERLAP, countTokens });

/** Joins the extractor, the chunker, the engine and the index into the ingestion of one document at a time. */
export function makeIngestEngine(d: IngestEngineDeps): IngestEngine {
  const index = new ChunkIndex(d.db);
  const store = d.store ?? index;
  const extract: Extractor = d.extract ?? ((path, o) => extractFile(path, o));
  const chunk = d.chunk ?? defaultChunker;

  const prefixes = async (path: string): Promise<EmbeddingPrefixes> => {
    const m = await d.library?.find(path).catch(() => null);
    return prefixesFor({ path, hub: m?.hub ?? null, name: m?.meta?.name ?? null });
  };

  return {
    store,
    async prepare(collectionId, signal) {
      const model = d.settings.get().embeddingModelPath;
      const client = new EmbeddingClient(d.scheduler, `ingest:${collectionId}`);
      let target: DocumentContext['target'] = null;
      if (model) {
        const dimensions = await client.dimensions(model, signal).catch((e: unknown) => {
          signal.throwIfAborted();
          throw new AppError('MODEL_LOAD_FAILED', `The embedding model could not be used: ${describeError(e)}`);
        });
        target = { path: model, dimensions, documentPrefix: (await prefixes(model)).document };
      }
      const ctx: DocumentContext = {
        db: d.db,
        docs: d.docs,
        collections: d.collections,
        store,
        extract,
        chunk,
        maxFileBytes: d.maxFileBytes,
        target,
        embed: (texts, s, onProgress) => client.embed(model!, texts, s, onProgress),
        tokenCounter: async (text, s) => (model ? client.counter(text, estimateTokens, s) : estimateTokens),
        now: Date.now,
      };
      return (doc, s, onChunks) => ingestDocument(doc, ctx, s, onChunks);
    },
    async checkModel(path) {
      if (!d.library) throw new AppError('UNSUPPORTED', 'Embedding models cannot be chosen here.');
      const m = await d.library.find(path);
      if (!m) throw new AppError('NOT_FOUND', 'That model is not in the library; add it in Models first.');
      if (m.problem) throw new AppError('MODEL_LOAD_FAILED', `${m.fileName} cannot be loaded: ${m.problem}`);
      if (m.meta?.kind === 'adapter') throw new AppError('BAD_INPUT', `${m.fileName} is a LoRA adapter, not a model that can embed.`);
    },
    search: d.search ?? retrieve(d, index, prefixes),
  };
}

/** The retriever over the same index ingestion writes: the query embedded with the model's query prefix. */
function retrieve(
  d: IngestEngineDeps,
  index: ChunkIndex,
  prefixes: (path: string) => Promise<EmbeddingPrefixes>,
): (ids: string[], query: string, limit: number) => Promise<Passage[]> {
  const retriever = new Retriever({
    db: d.db,
    scheduler: d.scheduler,
    index,
    embeddingModel: () => d.settings.get().embeddingModelPath,
    prefixes,
  });
  return (ids, query, limit) => retriever.search(ids, query, limit);
}
