import { z } from 'zod';

/**
 * Private document Q&A: collections of the user's files and folders, their ingestion, retrieval and citations.
 * Nothing of it leaves the machine.
 */

export const CollectionSource = z.object({
  id: z.string(),
  kind: z.enum(['folder', 'file']),
  path: z.string(),
  /** A watched folder re-indexes new, changed and deleted files by itself. */
  watch: z.boolean(),
});
export type CollectionSource = z.infer<typeof CollectionSource>;

/** Where a collection's ingestion stands; sent as `collections:progress` while it runs. */
export const IngestState = z.object({
  collectionId: z.string(),
  state: z.enum(['idle', 'scanning', 'indexing', 'cancelled', 'failed']),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  chunksDone: z.number().int(),
  /** Chunks embedded (or indexed, keyword-only) per second over the last few seconds. */
  chunksPerSecond: z.number(),
  /** null when unknown. */
  etaSeconds: z.number().nullable(),
  /** The file being read now, or null. */
  current: z.string().nullable(),
  error: z.string().nullable(),
});
export type IngestState = z.infer<typeof IngestState>;

export const Collection = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
  sources: z.array(CollectionSource),
  /** The embedding model its vectors were made with (a path) and their dimensions; null: keyword search only. */
  embeddingModel: z.string().nullable(),
  dimensions: z.number().int().nullable(),
  stats: z.object({
    documents: z.number().int(),
    indexed: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    chunks: z.number().int(),
  }),
  ingest: IngestState,
});
export type Collection = z.infer<typeof Collection>;

export const DocumentStatus = z.enum(['pending', 'indexing', 'indexed', 'failed', 'skipped']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

export const CollectionDocument = z.object({
  id: z.string(),
  collectionId: z.string(),
  path: z.string(),
  fileName: z.string(),
  status: DocumentStatus,
  /** Why it failed or was skipped, in words ("encrypted PDF: it needs a password"); null when indexed. */
  reason: z.string().nullable(),
  pages: z.number().int().nullable(),
  chunks: z.number().int(),
  sizeBytes: z.number(),
  updatedAt: z.number().int(),
});
export type CollectionDocument = z.infer<typeof CollectionDocument>;

/** A passage an answer cites: `[n]` in the answer's text. */
export const Citation = z.object({
  n: z.number().int().positive(),
  documentId: z.string(),
  collectionId: z.string(),
  path: z.string(),
  fileName: z.string(),
  /** 1-based, for paged documents (PDF); null otherwise. */
  page: z.number().int().nullable(),
  /** "Chapter 2 > Setup", for documents with headings; null otherwise. */
  heading: z.string().nullable(),
  snippet: z.string(),
  /** The passage's place in the document's extracted text. */
  charStart: z.number().int(),
  charEnd: z.number().int(),
});
export type Citation = z.infer<typeof Citation>;

/** A retrieved passage: what search returns, and what citations are made from. */
export const Passage = Citation.omit({ n: true }).extend({
  text: z.string(),
  /** The fused rank score (reciprocal rank fusion, or the reranker's). Higher is better. */
  score: z.number(),
  /** Which retrievers found it. */
  via: z.array(z.enum(['keyword', 'vector', 'rerank'])),
});
export type Passage = z.infer<typeof Passage>;

/** A document's text around a passage, for the citation viewer (the page, for a PDF). */
export const DocumentView = z.object({
  documentId: z.string(),
  path: z.string(),
  fileName: z.string(),
  page: z.number().int().nullable(),
  pages: z.number().int().nullable(),
  /** The text shown: the page, or a window around the passage. */
  text: z.string(),
  /** Where the cited passage lies in `text` (clamped to it). */
  highlight: z.object({ start: z.number().int(), end: z.number().int() }),
});
export type DocumentView = z.infer<typeof DocumentView>;
