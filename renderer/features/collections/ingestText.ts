import type { CollectionDocument, IngestState } from '../../../shared/rag';
import { formatBytes, formatEta } from '../models/common/format';

/** Whether an ingestion is under way (the bar shows, Cancel works). */
export const isRunning = (s: IngestState): boolean => s.state === 'scanning' || s.state === 'indexing';

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Chunks per second as a person reads it: "12 chunks/s", "0.4 chunks/s"; null before there is a rate. */
export function formatRate(perSecond: number): string | null {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return null;
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1).replace(/\.0$/, '')} chunks/s`;
}

/** The share of files done, 0..1, for the progress bar; null while the total is not known. */
export function ingestShare(s: IngestState): number | null {
  if (s.filesTotal <= 0) return null;
  return Math.min(1, Math.max(0, s.filesDone / s.filesTotal));
}

/** Where a collection's ingestion stands, in one line of words. */
export function ingestText(s: IngestState): string {
  const files = `${s.filesDone.toLocaleString('en-US')} of ${plural(s.filesTotal, 'file')}`;
  switch (s.state) {
    case 'scanning':
      return s.filesTotal > 0 ? `Looking for files: ${plural(s.filesTotal, 'file')} found so far` : 'Looking for files…';
    case 'indexing': {
      const parts = [files, plural(s.chunksDone, 'chunk')];
      const rate = formatRate(s.chunksPerSecond);
      if (rate) parts.push(rate);
      const eta = formatEta(s.etaSeconds);
      if (eta) parts.push(eta);
      return parts.join(' · ');
    }
    case 'idle':
      return s.filesTotal > 0 ? `Up to date: ${plural(s.filesTotal, 'file')} checked` : 'Up to date';
    case 'cancelled':
      return `Cancelled after ${files}. What was indexed stays; “Check for changes” goes on with the rest.`;
    case 'failed':
      return s.error ? `Indexing stopped: ${s.error}` : 'Indexing stopped with an error.';
    default:
      return s.state satisfies never;
  }
}

export const STATUS_LABEL: Record<CollectionDocument['status'], string> = {
  pending: 'Waiting',
  indexing: 'Indexing',
  indexed: 'Indexed',
  failed: 'Failed',
  skipped: 'Skipped',
};

/** A document's line under its name: what was indexed, or why it was not. */
export function documentDetail(d: CollectionDocument): string {
  const size = formatBytes(d.sizeBytes);
  switch (d.status) {
    case 'indexed': {
      const pages = d.pages !== null ? `${plural(d.pages, 'page')} · ` : '';
      return `${pages}${plural(d.chunks, 'passage')} · ${size}`;
    }
    case 'failed':
      return d.reason ?? 'It could not be read.';
    case 'skipped':
      return d.reason ?? 'It is not a document Hearth reads.';
    case 'pending':
      return `Waiting to be indexed · ${size}`;
    case 'indexing':
      return `Being read now · ${size}`;
    default:
      return d.status satisfies never;
  }
}

/** The collection's counts in a line: "12 documents · 340 passages · 1 failed · 2 skipped". */
export function statsText(stats: { documents: number; indexed: number; failed: number; skipped: number; chunks: number }): string {
  const parts = [plural(stats.documents, 'document'), plural(stats.chunks, 'passage')];
  if (stats.failed > 0) parts.push(`${stats.failed.toLocaleString('en-US')} failed`);
  if (stats.skipped > 0) parts.push(`${stats.skipped.toLocaleString('en-US')} skipped`);
  return parts.join(' · ');
}
