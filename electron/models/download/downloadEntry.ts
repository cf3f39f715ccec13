import { existsSync, statSync } from 'node:fs';
import type { Download } from '../../../shared/models';
import { partPathOf } from './downloadJob';
import type { DownloadRecord, StoredPart } from './downloadsRepo';
import { Speedometer } from './speedometer';

/** A download as the queue holds it in memory: the stored record, and what is only true while the app runs. */
export interface Entry {
  record: DownloadRecord;
  /** Bytes on disk, all parts together. */
  received: number;
  attempt: number;
  /** Why the last try failed while the next one waits; cleared when bytes come again. */
  retryNote: string | null;
  speed: Speedometer;
  controller: AbortController | null;
  running: Promise<void> | null;
}

/** The bytes of a part already on disk: its partial file, or all of it once moved into place. */
export function bytesOnDisk(part: StoredPart): number {
  if (existsSync(part.destPath) && !existsSync(partPathOf(part))) return part.sizeBytes;
  try {
    return Math.min(part.sizeBytes, statSync(partPathOf(part)).size);
  } catch {
    return 0;
  }
}

export const totalOf = (e: Entry): number => e.record.parts.reduce((n, p) => n + p.sizeBytes, 0);

/** An entry for a stored download; its progress comes from the files, which are the truth. */
export function entryFor(record: DownloadRecord): Entry {
  return {
    record,
    received:
      record.status === 'done' ? record.parts.reduce((n, p) => n + p.sizeBytes, 0) : record.parts.reduce((n, p) => n + bytesOnDisk(p), 0),
    attempt: 1,
    retryNote: null,
    speed: new Speedometer(),
    controller: null,
    running: null,
  };
}

/** What the app is told: speed and ETA only while bytes are coming. */
export function viewOf(e: Entry): Download {
  const { record } = e;
  const receiving = record.status === 'downloading';
  const bytesPerSecond = receiving ? e.speed.rate(performance.now()) : 0;
  const total = totalOf(e);
  return {
    id: record.id,
    repo: record.repo,
    revision: record.revision,
    file: record.file,
    destPath: record.destPath,
    status: record.status,
    totalBytes: total,
    receivedBytes: e.received,
    bytesPerSecond,
    etaSeconds: bytesPerSecond > 0 ? (total - e.received) / bytesPerSecond : null,
    attempt: e.attempt,
    error: record.error ?? (receiving ? e.retryNote : null),
    license: record.license,
    createdAt: record.createdAt,
  };
}
