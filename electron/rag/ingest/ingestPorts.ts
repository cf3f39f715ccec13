import type { ChunkDraft, ExtractedText, Extraction } from '../ports';

/** Reads a file's text (electron/rag/extract/extractFile.ts). */
export type Extractor = (path: string, options: { maxBytes: number; signal: AbortSignal }) => Promise<Extraction>;

/** Splits a document into passages sized in tokens (electron/rag/chunker.ts). */
export type Chunker = (doc: ExtractedText, countTokens: (text: string) => number) => ChunkDraft[];

/**
 * Where chunks and their vectors are kept (the index in electron/rag/index/). Every method runs inside the
 * caller's transaction, so a document's rows, chunks and vectors change together or not at all.
 */
export interface ChunkStore {
  /** Replaces a document's chunks, and their vectors when there are any (null: keyword search only). */
  replaceDocument(d: { collectionId: string; documentId: string; chunks: ChunkDraft[]; vectors: number[][] | null }): unknown;
  /** Deletes a document's chunks and their vectors; the document's row is the caller's. */
  deleteDocument(documentId: string): unknown;
  /** Drops every vector of a collection's chunks (its embedding model changed, or it is being deleted). */
  dropVectors(collectionId: string): unknown;
  /** A document's chunks as stored, to embed them again with another model without reading the file. */
  chunkTexts(documentId: string): { id: number; text: string }[];
  /** Stores (or replaces) the vectors of existing chunks. */
  writeVectors(collectionId: string, entries: { chunkId: number; vector: number[] }[]): unknown;
}

/** The embedding model a run embeds with, and how it counts tokens. */
export interface EmbeddingTarget {
  path: string;
  dimensions: number;
  /** Put before each passage (a catalog model's document prefix, "search_document: "), or ''. */
  documentPrefix: string;
}
