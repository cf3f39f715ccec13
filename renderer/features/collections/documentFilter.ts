import type { CollectionDocument, DocumentStatus } from '../../../shared/rag';

export const DOCUMENT_FILTERS = ['all', 'problems', 'indexed', 'waiting'] as const;
export type DocumentFilter = (typeof DOCUMENT_FILTERS)[number];

/** How many rows the list renders at once; the rest is counted, and the filter narrows it. */
export const DOCUMENTS_SHOWN = 300;

/** Problems first (failed, then skipped), then what is being read or waits, then what is indexed; by name within. */
const ORDER: Record<DocumentStatus, number> = { failed: 0, skipped: 1, indexing: 2, pending: 3, indexed: 4 };

export function filterDocuments(docs: readonly CollectionDocument[], filter: DocumentFilter): CollectionDocument[] {
  const keep: Record<DocumentFilter, (s: DocumentStatus) => boolean> = {
    all: () => true,
    problems: (s) => s === 'failed' || s === 'skipped',
    indexed: (s) => s === 'indexed',
    waiting: (s) => s === 'pending' || s === 'indexing',
  };
  const kept = docs.filter((d) => keep[filter](d.status));
  return kept.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.path.localeCompare(b.path));
}

/** How many documents are in each status, for the filter's options. */
export function countByStatus(docs: readonly CollectionDocument[]): Record<DocumentStatus, number> {
  const counts: Record<DocumentStatus, number> = { pending: 0, indexing: 0, indexed: 0, failed: 0, skipped: 0 };
  for (const d of docs) counts[d.status]++;
  return counts;
}
