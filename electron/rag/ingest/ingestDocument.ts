import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { DocumentStatus } from '../../../shared/rag';
import { describeError } from '../../lib/log';
import type { CollectionsRepo } from '../collections/collectionsRepo';
import type { DocumentOutcome, DocumentState, DocumentsRepo } from '../collections/documentsRepo';
import { fileKindOf } from '../extract/fileKind';
import type { ChunkDraft, ExtractedText } from '../ports';
import { hashFile } from './hashFile';
import type { Chunker, ChunkStore, EmbeddingTarget, Extractor } from './ingestPorts';
import { formatBytes } from '../extract/outcome';

/** Everything one document's ingestion touches. */
export interface DocumentContext {
  db: Database.Database;
  docs: DocumentsRepo;
  collections: CollectionsRepo;
  store: ChunkStore;
  extract: Extractor;
  chunk: Chunker;
  maxFileBytes: number;
  /** The model this run embeds with; null: chunks are indexed for keyword search only. */
  target: EmbeddingTarget | null;
  /** Embeds passages (the document prefix already applied by the caller of `ingestDocument`, not here). */
  embed: (texts: string[], signal: AbortSignal, onProgress: (done: number) => void) => Promise<number[][]>;
  /** The token counter for this document's text: the embedding model's, or an estimate. */
  tokenCounter: (text: string, signal: AbortSignal) => Promise<(text: string) => number>;
  now: () => number;
}

/**
 * The engine could not embed at all (no model, a load that failed, the engine gone twice): the run stops and
 * the documents stay pending, because the next file would fail the same way.
 */
export class EngineUnavailable extends AppError {}

const ENGINE_CODES = new Set(['NO_MODEL', 'MODEL_LOAD_FAILED', 'ENGINE_UNAVAILABLE']);

/** What happened to the document, for the run's progress. */
export type DocumentResult = { kind: 'done'; status: DocumentStatus; chunks: number; bytes: number } | { kind: 'gone' } | { kind: 'stale' };

const codeOf = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/**
 * Reads, chunks, embeds and stores one document, then writes everything in ONE transaction. A file whose content
 * hash is the one already indexed with this model is not read again; a file that went away loses its row.
 */
export async function ingestDocument(
  doc: DocumentState,
  ctx: DocumentContext,
  signal: AbortSignal,
  onChunks: (n: number) => void,
): Promise<DocumentResult> {
  ctx.docs.setIndexing(doc.id);
  let settled = false;
  try {
    const result = await readAndStore(doc, ctx, signal, onChunks);
    settled = result.kind !== 'stale';
    return result;
  } finally {
    if (!settled) ctx.docs.unsetIndexing(doc.id);
  }
}

async function readAndStore(
  doc: DocumentState,
  ctx: DocumentContext,
  signal: AbortSignal,
  onChunks: (n: number) => void,
): Promise<DocumentResult> {
  const modelPath = ctx.target?.path ?? null;
  // Types Hearth does not read are skipped by the extractor at once: hashing a film first would be wasted reading.
  let hash: string | null = null;
  let sizeBytes = doc.sizeBytes;
  let mtimeMs = doc.mtimeMs;
  if (fileKindOf(doc.path) !== null) {
    let h: Awaited<ReturnType<typeof hashFile>>;
    try {
      h = await hashFile(doc.path, ctx.maxFileBytes, signal);
    } catch (e) {
      signal.throwIfAborted();
      const code = codeOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return remove(doc, ctx);
      if (code === 'ELOOP') return write(doc, ctx, outcome('skipped', 'a symbolic link, not a file', doc), null);
      return write(doc, ctx, outcome('failed', `Hearth could not read it (${code ?? describeError(e)})`, doc), null);
    }
    sizeBytes = h.sizeBytes;
    mtimeMs = h.mtimeMs;
    if (!h.ok) {
      const reason =
        h.reason === 'too big' ? `too big: ${formatBytes(h.sizeBytes)}, and the limit is ${formatBytes(ctx.maxFileBytes)}` : h.reason;
      return write(doc, ctx, outcome('skipped', reason, { sizeBytes, mtimeMs }), null);
    }
    hash = h.sha256;
    if (hash === doc.contentHash && doc.chunkCount > 0) {
      if (doc.embeddedWith === modelPath) {
        ctx.docs.restore(doc.id, mtimeMs, sizeBytes);
        return { kind: 'done', status: 'indexed', chunks: 0, bytes: sizeBytes };
      }
      if (ctx.target) {
        const again = await reembed(doc, ctx, { sizeBytes, mtimeMs }, signal, onChunks);
        if (again) return again;
      }
    }
  }
  const extraction = await ctx.extract(doc.path, { maxBytes: ctx.maxFileBytes, signal });
  signal.throwIfAborted();
  if (!extraction.ok) {
    return write(doc, ctx, { ...outcome(extraction.status, extraction.reason, { sizeBytes, mtimeMs }), contentHash: hash }, null);
  }
  const text = extraction.value;
  const countTokens = await ctx.tokenCounter(text.text, signal);
  const chunks = ctx.chunk(text, countTokens);
  if (chunks.length === 0) {
    return write(doc, ctx, { ...outcome('failed', 'no text to index', { sizeBytes, mtimeMs }), contentHash: hash }, null);
  }
  let vectors: number[][] | null = null;
  if (ctx.target) {
    const embedded = await embedChunks(
      chunks.map((c) => c.text),
      ctx,
      signal,
      onChunks,
    );
    if ('reason' in embedded) {
      return write(doc, ctx, { ...outcome('failed', embedded.reason, { sizeBytes, mtimeMs }), contentHash: hash }, null);
    }
    vectors = embedded.vectors;
  } else {
    onChunks(chunks.length);
  }
  return write(doc, ctx, indexedOutcome(text, chunks.length, hash, modelPath, sizeBytes, mtimeMs), { chunks, vectors });
}

/**
 * The same content under another embedding model: its stored passages are embedded again as they are, without
 * reading the file (their sizes were counted with the old tokenizer; chunks aim well inside any model's context).
 * null when the stored passages do not match the row (then the file is read again).
 */
async function reembed(
  doc: DocumentState,
  ctx: DocumentContext,
  file: { sizeBytes: number; mtimeMs: number },
  signal: AbortSignal,
  onChunks: (n: number) => void,
): Promise<DocumentResult | null> {
  const stored = ctx.store.chunkTexts(doc.id);
  if (stored.length !== doc.chunkCount) return null;
  const embedded = await embedChunks(
    stored.map((c) => c.text),
    ctx,
    signal,
    onChunks,
  );
  if ('reason' in embedded) return write(doc, ctx, { ...outcome('failed', embedded.reason, file), contentHash: doc.contentHash }, null);
  const target = ctx.target!;
  return ctx.db.transaction((): DocumentResult => {
    const collection = ctx.collections.get(doc.collectionId);
    const row = ctx.docs.get(doc.id);
    if (!collection || !row) return { kind: 'gone' };
    if (!sameModel(collection, target) || row.chunkCount !== stored.length) return { kind: 'stale' };
    if (collection.dimensions === null) ctx.collections.setModel(collection.id, target.path, target.dimensions, ctx.now());
    ctx.store.writeVectors(
      doc.collectionId,
      stored.map((c, i) => ({ chunkId: c.id, vector: embedded.vectors[i]! })),
    );
    ctx.docs.setEmbedded(doc.id, target.path, file.sizeBytes, file.mtimeMs, ctx.now());
    return { kind: 'done', status: 'indexed', chunks: stored.length, bytes: file.sizeBytes };
  })();
}

/** Embeds the passages; one engine crash is retried (the engine restarts), a second fails the document. */
async function embedChunks(
  passages: string[],
  ctx: DocumentContext,
  signal: AbortSignal,
  onChunks: (n: number) => void,
): Promise<{ vectors: number[][] } | { reason: string }> {
  const prefix = ctx.target?.documentPrefix ?? '';
  const texts = passages.map((t) => prefix + t);
  for (let attempt = 1; ; attempt++) {
    let reported = 0;
    try {
      const vectors = await ctx.embed(texts, signal, (done) => {
        onChunks(done - reported);
        reported = done;
      });
      onChunks(passages.length - reported);
      return { vectors };
    } catch (e) {
      onChunks(-reported);
      signal.throwIfAborted();
      const code = codeOf(e);
      if (code === 'CANCELLED') throw e;
      if (code && ENGINE_CODES.has(code)) throw new EngineUnavailable('ENGINE_UNAVAILABLE', describeError(e));
      if (code === 'ENGINE_CRASHED' && attempt === 1) continue;
      return { reason: `embedding failed: ${describeError(e)}` };
    }
  }
}

const outcome = (status: DocumentStatus, reason: string, file: { sizeBytes: number; mtimeMs: number }): DocumentOutcome => ({
  status,
  reason,
  contentHash: null,
  text: null,
  pagesJson: null,
  chunkCount: 0,
  embeddedWith: null,
  sizeBytes: file.sizeBytes,
  mtimeMs: file.mtimeMs,
});

function indexedOutcome(
  text: ExtractedText,
  chunkCount: number,
  hash: string | null,
  model: string | null,
  sizeBytes: number,
  mtimeMs: number,
): DocumentOutcome {
  return {
    status: 'indexed',
    reason: null,
    contentHash: hash,
    text: text.text,
    // The citation viewer reads these back (electron/rag/ask/documentTexts.ts): `{ page, start }` each.
    pagesJson: text.pages ? JSON.stringify(text.pages.map((p) => ({ page: p.page, start: p.start }))) : null,
    chunkCount,
    embeddedWith: model,
    sizeBytes,
    mtimeMs,
  };
}

function remove(doc: DocumentState, ctx: DocumentContext): DocumentResult {
  ctx.db.transaction(() => {
    ctx.store.deleteDocument(doc.id);
    ctx.docs.remove(doc.id);
  })();
  return { kind: 'gone' };
}

/**
 * The one write transaction: the document's chunks, their vectors and its row. Nothing is written when the
 * document went away meanwhile, or when the collection's embedding model changed since the run began (the
 * document stays pending for the run with the new model).
 */
function write(
  doc: DocumentState,
  ctx: DocumentContext,
  o: DocumentOutcome,
  content: { chunks: ChunkDraft[]; vectors: number[][] | null } | null,
): DocumentResult {
  return ctx.db.transaction((): DocumentResult => {
    if (!ctx.docs.get(doc.id)) return { kind: 'gone' };
    const collection = ctx.collections.get(doc.collectionId);
    if (!collection) return { kind: 'gone' };
    if (content) {
      const t = ctx.target;
      if (t ? !sameModel(collection, t) : collection.embeddingModel !== null) return { kind: 'stale' };
      if (t && collection.dimensions === null) ctx.collections.setModel(collection.id, t.path, t.dimensions, ctx.now());
      ctx.store.replaceDocument({ collectionId: doc.collectionId, documentId: doc.id, chunks: content.chunks, vectors: content.vectors });
    } else {
      ctx.store.deleteDocument(doc.id);
    }
    ctx.docs.finish(doc.id, o, ctx.now());
    return { kind: 'done', status: o.status, chunks: o.chunkCount, bytes: o.sizeBytes };
  })();
}

const sameModel = (c: { embeddingModel: string | null; dimensions: number | null }, t: EmbeddingTarget): boolean =>
  (c.embeddingModel === null || c.embeddingModel === t.path) && (c.dimensions === null || c.dimensions === t.dimensions);
