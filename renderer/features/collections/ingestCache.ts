import type { Collection, IngestState } from '../../../shared/rag';

/**
 * A `collections:progress` event laid over the cached list: the collection's ingest state is replaced, nothing else.
 * Returns the same list when the collection is not in it (the next fetch brings it whole).
 */
export function mergeIngest(list: Collection[], state: IngestState): Collection[] {
  let hit = false;
  const next = list.map((c) => {
    if (c.id !== state.collectionId) return c;
    hit = true;
    return { ...c, ingest: state };
  });
  return hit ? next : list;
}

/**
 * Whether a progress event means the collection's counts and documents moved on, so they should be fetched again:
 * a change of state (a run began or ended), or more files done. Rate and ETA ticks alone do not.
 */
export function documentsMoved(before: IngestState | undefined, after: IngestState): boolean {
  if (!before) return true;
  return before.state !== after.state || before.filesDone !== after.filesDone || before.filesTotal !== after.filesTotal;
}
