import { describe, expect, it } from 'vitest';
import { attachedChips, toggleId } from '../../../../renderer/features/collections/attached';
import { collection, ingest } from './fixtures';

const ready = collection({ id: 'a', name: 'Taxes', stats: { documents: 3, indexed: 3, failed: 0, skipped: 0, chunks: 40 } });

describe("a conversation's attached collections", () => {
  it('shows each by name in the order attached, with a note only when the chat should know something', () => {
    const running = collection({
      id: 'b',
      name: 'Papers',
      ingest: ingest({ collectionId: 'b', state: 'indexing', filesDone: 1, filesTotal: 4 }),
    });
    const empty = collection({ id: 'c', name: 'Empty' });
    expect(attachedChips(['b', 'a', 'c'], [ready, running, empty])).toEqual([
      { id: 'b', name: 'Papers', note: 'indexing 25%' },
      { id: 'a', name: 'Taxes', note: null },
      { id: 'c', name: 'Empty', note: 'nothing indexed yet' },
    ]);
  });

  it('still shows a collection deleted since, so it can be detached', () => {
    expect(attachedChips(['gone'], [ready])).toEqual([{ id: 'gone', name: 'A deleted collection', note: 'deleted' }]);
    // Before the list has arrived nothing is known to be deleted.
    expect(attachedChips(['a'], undefined)).toEqual([{ id: 'a', name: 'Collection', note: null }]);
  });

  it('adds at the end and removes without duplicates', () => {
    expect(toggleId(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(toggleId(['a', 'b'], 'a', true)).toEqual(['a', 'b']);
    expect(toggleId(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggleId(['a'], 'z', false)).toEqual(['a']);
  });
});
