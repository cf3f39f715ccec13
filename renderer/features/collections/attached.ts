import type { Collection } from '../../../shared/rag';
import { ingestShare, isRunning } from './ingestText';

export interface AttachedChip {
  id: string;
  name: string;
  /** "indexing 40%", "nothing indexed yet", "deleted": what the chat should know about it; null when ready. */
  note: string | null;
}

/**
 * The chips for a conversation's collections, in the order they were attached. An id with no collection behind it
 * (deleted since) still shows, so the user sees it and can detach it.
 */
export function attachedChips(ids: readonly string[], collections: readonly Collection[] | undefined): AttachedChip[] {
  return ids.map((id) => {
    const c = collections?.find((x) => x.id === id);
    if (!c) return { id, name: collections ? 'A deleted collection' : 'Collection', note: collections ? 'deleted' : null };
    const share = ingestShare(c.ingest);
    const note = isRunning(c.ingest)
      ? `indexing${share !== null ? ` ${Math.floor(share * 100)}%` : '…'}`
      : c.stats.chunks === 0
        ? 'nothing indexed yet'
        : null;
    return { id, name: c.name, note };
  });
}

/** The ids after a collection is checked or cleared: order kept, no duplicates. */
export function toggleId(ids: readonly string[], id: string, on: boolean): string[] {
  if (on) return ids.includes(id) ? [...ids] : [...ids, id];
  return ids.filter((x) => x !== id);
}
