import { describe, expect, it } from 'vitest';
import type { Download } from '../../../../../shared/models';
import { downloadStatusText } from '../../../../../renderer/features/models/downloads/DownloadProgress';
import { downloadFor, isActive, mergeDownload } from '../../../../../renderer/features/models/downloads/downloadsCache';

const d = (over: Partial<Download>): Download => ({
  id: 'd1',
  repo: 'Qwen/Qwen3-0.6B-GGUF',
  revision: 'a'.repeat(40),
  file: 'Qwen3-0.6B-Q8_0.gguf',
  destPath: '/models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf',
  status: 'downloading',
  totalBytes: 639_000_000,
  receivedBytes: 120_000_000,
  bytesPerSecond: 12_300_000,
  etaSeconds: 42,
  attempt: 1,
  error: null,
  license: { id: 'apache-2.0', name: 'Apache 2.0', category: 'permissive', commercialUse: true, conditions: [], url: null },
  createdAt: 1,
  ...over,
});

describe('the cached download list', () => {
  it('replaces a download with its newest state, and adds a new one in the order they were started', () => {
    const list = [d({ id: 'a', createdAt: 1 }), d({ id: 'c', createdAt: 3 })];
    expect(mergeDownload(list, d({ id: 'a', createdAt: 1, receivedBytes: 5 })).map((x) => [x.id, x.receivedBytes])).toEqual([
      ['a', 5],
      ['c', 120_000_000],
    ]);
    expect(mergeDownload(list, d({ id: 'b', createdAt: 2 })).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('finds the newest download of a repository file, since a cancelled one can be started again', () => {
    const list = [
      d({ id: 'old', status: 'cancelled', createdAt: 1 }),
      d({ id: 'new', createdAt: 2 }),
      d({ id: 'other', file: 'x.gguf', createdAt: 3 }),
    ];
    expect(downloadFor(list, 'Qwen/Qwen3-0.6B-GGUF', 'Qwen3-0.6B-Q8_0.gguf')?.id).toBe('new');
    expect(downloadFor(list, 'Qwen/Qwen3-0.6B-GGUF')?.id).toBe('other');
    expect(downloadFor(undefined, 'x')).toBeUndefined();
    expect(isActive(d({ status: 'paused' }))).toBe(true);
    expect(isActive(d({ status: 'failed' }))).toBe(false);
  });
});

describe("a download's line of text", () => {
  it('says bytes, speed and time left while it runs, and which try it is after a retry', () => {
    expect(downloadStatusText(d({}))).toBe('120.0 MB of 639.0 MB · 12.3 MB/s · 42 s left');
    expect(downloadStatusText(d({ attempt: 3, bytesPerSecond: 0, etaSeconds: null }))).toBe(
      '120.0 MB of 639.0 MB · waiting for data · try 3',
    );
  });

  it('says each other state in words, and the reason when it failed', () => {
    expect(downloadStatusText(d({ status: 'queued', receivedBytes: 0 }))).toBe('Waiting in the queue');
    expect(downloadStatusText(d({ status: 'paused' }))).toBe('Paused at 120.0 MB of 639.0 MB');
    expect(downloadStatusText(d({ status: 'verifying' }))).toMatch(/SHA-256/);
    expect(downloadStatusText(d({ status: 'done' }))).toBe('Downloaded and verified (639.0 MB)');
    expect(downloadStatusText(d({ status: 'failed', error: "The file's SHA-256 does not match the Hub's." }))).toBe(
      "The file's SHA-256 does not match the Hub's.",
    );
    expect(downloadStatusText(d({ status: 'cancelled' }))).toMatch(/Cancelled/);
  });
});
