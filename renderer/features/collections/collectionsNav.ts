import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { viewStore } from '../models/viewStore';

export interface CollectionsNav {
  /** Whether the main area shows the Collections view (over the chat, in place of the model manager). */
  open: boolean;
  /** The collection shown in detail, or null for none. */
  selectedId: string | null;
}

const KEY = 'hearth.collections';
const Saved = z.object({ open: z.boolean(), selectedId: z.string().nullable() });
const listeners = new Set<() => void>();
let state: CollectionsNav | null = null;

function read(): CollectionsNav {
  try {
    const saved = Saved.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
    if (saved.success) return saved.data;
  } catch {
    // a damaged entry: start closed
  }
  return { open: false, selectedId: null };
}

function write(next: Partial<CollectionsNav>): void {
  state = { ...collectionsNav.get(), ...next };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // storage full or off: the view still opens, it is only not kept across a reload
  }
  for (const l of listeners) l();
}

/**
 * Whether the Collections view is open, UI state only. The model manager's view store says chat or models; this
 * view lies over it, so anything that sends the user to the chat or the model manager (a chat picked in the
 * sidebar, a new chat, Ctrl/Cmd+Shift+M) closes it, and opening it first sets the view below to the chat.
 */
export const collectionsNav = {
  get(): CollectionsNav {
    return (state ??= read());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  select(selectedId: string | null): void {
    write({ selectedId });
  },
  close(): void {
    if (collectionsNav.get().open) write({ open: false });
  },
};

/** Opens the Collections view, at one collection if given. */
export function openCollections(selectedId?: string): void {
  // The store below goes to the chat first: its listener closes this view, which then opens.
  viewStore.set({ view: 'chat' });
  write({ open: true, ...(selectedId !== undefined ? { selectedId } : {}) });
}

viewStore.subscribe(() => collectionsNav.close());

export function useCollectionsNav(): CollectionsNav {
  return useSyncExternalStore(collectionsNav.subscribe, collectionsNav.get);
}
