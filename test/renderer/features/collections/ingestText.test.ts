import { describe, expect, it } from 'vitest';
import {
  documentDetail,
  formatRate,
  ingestShare,
  ingestText,
  isRunning,
  statsText,
} from '../../../../renderer/features/collections/ingestText';
import { doc, ingest } from './fixtures';

describe('where an ingestion stands, in words', () => {
  it('says files done of found, chunks, rate and time left while indexing', () => {
    const s = ingest({ state: 'indexing', filesDone: 3, filesTotal: 12, chunksDone: 140, chunksPerSecond: 23.6, etaSeconds: 95 });
    expect(ingestText(s)).toBe('3 of 12 files · 140 chunks · 24 chunks/s · 2 min left');
    expect(ingestShare(s)).toBe(0.25);
    expect(isRunning(s)).toBe(true);
  });

  it('leaves out the rate and the time left until they are known', () => {
    expect(ingestText(ingest({ state: 'indexing', filesDone: 0, filesTotal: 1, chunksDone: 1 }))).toBe('0 of 1 file · 1 chunk');
  });

  it('has no share while the files are still being counted, so the bar is indeterminate', () => {
    const s = ingest({ state: 'scanning' });
    expect(ingestShare(s)).toBeNull();
    expect(ingestText(s)).toBe('Looking for files…');
    expect(ingestText(ingest({ state: 'scanning', filesTotal: 40 }))).toBe('Looking for files: 40 files found so far');
  });

  it('says what a cancel kept and how to go on, and a failure in its own words', () => {
    expect(ingestText(ingest({ state: 'cancelled', filesDone: 4, filesTotal: 9 }))).toBe(
      'Cancelled after 4 of 9 files. What was indexed stays; “Check for changes” goes on with the rest.',
    );
    expect(isRunning(ingest({ state: 'cancelled' }))).toBe(false);
    expect(ingestText(ingest({ state: 'failed', error: 'The embedding model could not be loaded.' }))).toBe(
      'Indexing stopped: The embedding model could not be loaded.',
    );
    expect(ingestText(ingest({ state: 'failed' }))).toBe('Indexing stopped with an error.');
  });

  it('says a finished collection is up to date', () => {
    expect(ingestText(ingest({ state: 'idle', filesDone: 5, filesTotal: 5 }))).toBe('Up to date: 5 files checked');
    expect(ingestText(ingest())).toBe('Up to date');
  });

  it('writes rates a person reads: whole numbers above ten, one decimal below, nothing when stalled', () => {
    expect(formatRate(123.4)).toBe('123 chunks/s');
    expect(formatRate(2)).toBe('2 chunks/s');
    expect(formatRate(0.44)).toBe('0.4 chunks/s');
    expect(formatRate(0)).toBeNull();
    expect(formatRate(Number.NaN)).toBeNull();
  });
});

describe('a document line', () => {
  it('says pages, passages and size for an indexed document', () => {
    expect(documentDetail(doc({ pages: 12, chunks: 40, sizeBytes: 1_200_000 }))).toBe('12 pages · 40 passages · 1.2 MB');
    expect(documentDetail(doc({ chunks: 1, sizeBytes: 900 }))).toBe('1 passage · 900 B');
  });

  it('gives the reason a document failed or was skipped, never a count of zero chunks', () => {
    const encrypted = doc({ status: 'failed', chunks: 0, reason: 'encrypted PDF: it needs a password' });
    expect(documentDetail(encrypted)).toBe('encrypted PDF: it needs a password');
    expect(documentDetail(encrypted)).not.toMatch(/0 (chunks|passages)/);
    expect(documentDetail(doc({ status: 'skipped', reason: 'a FIFO, not a file' }))).toBe('a FIFO, not a file');
    expect(documentDetail(doc({ status: 'failed', reason: null }))).toBe('It could not be read.');
  });

  it('says a document waits or is being read', () => {
    expect(documentDetail(doc({ status: 'pending' }))).toBe('Waiting to be indexed · 2 kB');
    expect(documentDetail(doc({ status: 'indexing' }))).toBe('Being read now · 2 kB');
  });
});

describe("a collection's counts", () => {
  it('names failures and skips only when there are some', () => {
    expect(statsText({ documents: 12, indexed: 9, failed: 1, skipped: 2, chunks: 340 })).toBe(
      '12 documents · 340 passages · 1 failed · 2 skipped',
    );
    expect(statsText({ documents: 1, indexed: 1, failed: 0, skipped: 0, chunks: 1 })).toBe('1 document · 1 passage');
  });
});
