import { describe, expect, it } from 'vitest';
import { documentsMoved, mergeIngest } from '../../../../renderer/features/collections/ingestCache';
import { collection, ingest } from './fixtures';

describe('progress events over the cached collections', () => {
  it("replaces only that collection's ingest state", () => {
    const a = collection({ id: 'a', name: 'A' });
    const b = collection({ id: 'b', name: 'B' });
    const next = ingest({ collectionId: 'b', state: 'indexing', filesDone: 2, filesTotal: 5 });
    const merged = mergeIngest([a, b], next);
    expect(merged[0]).toBe(a);
    expect(merged[1]).toEqual({ ...b, ingest: next });
  });

  it('leaves the list as it is for a collection it does not hold', () => {
    const list = [collection({ id: 'a' })];
    expect(mergeIngest(list, ingest({ collectionId: 'zzz' }))).toBe(list);
  });

  it('refetches counts and documents when a file is done or a run begins or ends, not on rate ticks', () => {
    const running = ingest({ state: 'indexing', filesDone: 1, filesTotal: 4, chunksPerSecond: 10 });
    expect(documentsMoved(undefined, running)).toBe(true);
    expect(documentsMoved(running, { ...running, chunksPerSecond: 12, etaSeconds: 3, chunksDone: 40 })).toBe(false);
    expect(documentsMoved(running, { ...running, filesDone: 2 })).toBe(true);
    expect(documentsMoved(running, { ...running, filesTotal: 6 })).toBe(true);
    expect(documentsMoved(running, { ...running, state: 'idle' })).toBe(true);
  });
});
