import type { Citation, Collection, CollectionDocument, IngestState } from '../../../../shared/rag';

/** Shapes as main sends them, with only what a test cares about changed. */
export const ingest = (over: Partial<IngestState> = {}): IngestState => ({
  collectionId: 'c1',
  state: 'idle',
  filesDone: 0,
  filesTotal: 0,
  chunksDone: 0,
  chunksPerSecond: 0,
  etaSeconds: null,
  current: null,
  error: null,
  ...over,
});

export const collection = (over: Partial<Collection> = {}): Collection => ({
  id: 'c1',
  name: 'Notes',
  createdAt: 1,
  sources: [],
  embeddingModel: null,
  dimensions: null,
  stats: { documents: 0, indexed: 0, failed: 0, skipped: 0, chunks: 0 },
  ingest: ingest({ collectionId: over.id ?? 'c1' }),
  ...over,
});

export const doc = (over: Partial<CollectionDocument> = {}): CollectionDocument => ({
  id: 'd1',
  collectionId: 'c1',
  path: '/docs/a.md',
  fileName: 'a.md',
  status: 'indexed',
  reason: null,
  pages: null,
  chunks: 3,
  sizeBytes: 2_048,
  updatedAt: 1,
  ...over,
});

export const citation = (over: Partial<Citation> = {}): Citation => ({
  n: 1,
  documentId: 'd1',
  collectionId: 'c1',
  path: '/docs/report.pdf',
  fileName: 'report.pdf',
  page: 3,
  heading: null,
  snippet: 'The boiler is serviced every spring.',
  charStart: 100,
  charEnd: 136,
  ...over,
});
