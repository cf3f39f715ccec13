import type Database from 'better-sqlite3';
import { sep } from 'node:path';
import { newId } from '../../lib/ids';
import { hashFile } from '../ingest/hashFile';
import type { ChunkStore } from '../ingest/ingestPorts';
import type { ScanEntry } from '../ingest/scanFolder';
import type { DocumentState, DocumentsRepo } from './documentsRepo';

export interface ScanTarget {
  db: Database.Database;
  docs: DocumentsRepo;
  store: ChunkStore;
  collectionId: string;
  sourceId: string;
  maxFileBytes: number;
  now: () => number;
  signal?: AbortSignal;
}

/**
 * Brings the documents table in line with what a scan (or a watcher) found. New files are pending; a file whose
 * size or time changed is hashed, and goes back to pending only if its content did change (a touched file, a
 * checkout that rewrote it unchanged, costs no re-reading). Returns how many documents now wait to be read.
 */
export async function applyEntries(t: ScanTarget, entries: ScanEntry[]): Promise<number> {
  const touched: { doc: DocumentState; entry: ScanEntry & { kind: 'file' } }[] = [];
  let pending = 0;
  const now = t.now();
  t.db.transaction(() => {
    for (const entry of entries) {
      const doc = t.docs.byPath(t.collectionId, entry.path);
      if (!doc) {
        t.docs.insert({
          id: newId(),
          collectionId: t.collectionId,
          sourceId: t.sourceId,
          path: entry.path,
          sizeBytes: entry.sizeBytes,
          mtimeMs: entry.mtimeMs,
          status: entry.kind === 'file' ? 'pending' : 'skipped',
          reason: entry.kind === 'file' ? null : entry.reason,
          now,
        });
        if (entry.kind === 'file') pending += 1;
        continue;
      }
      // A file that another source of the collection covers too is that source's.
      if (doc.sourceId !== t.sourceId) continue;
      if (entry.kind === 'skipped') {
        if (doc.status !== 'skipped' || doc.sizeBytes !== entry.sizeBytes || doc.mtimeMs !== entry.mtimeMs) {
          t.store.deleteDocument(doc.id);
          t.docs.markSkipped(doc.id, entry.reason, entry.sizeBytes, entry.mtimeMs, now);
        }
        continue;
      }
      if (doc.status === 'pending' || doc.status === 'indexing') {
        pending += 1;
        continue;
      }
      // Unchanged on disk: whatever came of reading it (indexed, failed, skipped by its type) still holds.
      if (doc.sizeBytes === entry.sizeBytes && doc.mtimeMs === entry.mtimeMs) continue;
      if (doc.contentHash === null || doc.sizeBytes !== entry.sizeBytes) {
        t.docs.markPending(doc.id, entry.sizeBytes, entry.mtimeMs, now);
        pending += 1;
      } else {
        touched.push({ doc, entry });
      }
    }
  })();
  for (const { doc, entry } of touched) {
    t.signal?.throwIfAborted();
    const h = await hashFile(entry.path, t.maxFileBytes, t.signal).catch(() => null);
    if (h?.ok && h.sha256 === doc.contentHash) {
      t.docs.touch(doc.id, h.mtimeMs, h.sizeBytes);
    } else {
      t.docs.markPending(doc.id, entry.sizeBytes, entry.mtimeMs, t.now());
      pending += 1;
    }
  }
  return pending;
}

/** Forgets documents (their chunks and vectors with them), in one transaction. */
export function removeDocuments(t: Pick<ScanTarget, 'db' | 'docs' | 'store'>, ids: string[]): void {
  if (!ids.length) return;
  t.db.transaction(() => {
    for (const id of ids) {
      t.store.deleteDocument(id);
      t.docs.remove(id);
    }
  })();
}

/** The source's documents that a full scan did not find: gone from the folder. */
export function unseenDocuments(t: Pick<ScanTarget, 'docs' | 'sourceId'>, entries: ScanEntry[]): string[] {
  const seen = new Set(entries.map((e) => e.path));
  return t.docs
    .ofSource(t.sourceId)
    .filter((d) => !seen.has(d.path))
    .map((d) => d.id);
}

/** The source's documents at `path` or under it (a file or a folder that went away). */
export function documentsAt(t: Pick<ScanTarget, 'docs' | 'sourceId'>, path: string): string[] {
  const prefix = path.endsWith(sep) ? path : path + sep;
  return t.docs
    .ofSource(t.sourceId)
    .filter((d) => d.path === path || d.path.startsWith(prefix))
    .map((d) => d.id);
}
