import { useSyncExternalStore } from 'react';
import { z } from 'zod';

export const MODELS_TABS = ['discover', 'downloads', 'library', 'machine'] as const;
export type ModelsTab = (typeof MODELS_TABS)[number];

export interface ViewState {
  /** What the main area shows: the chat, the model manager, or connections (the API server, providers, routing). */
  view: 'chat' | 'models' | 'connections';
  tab: ModelsTab;
}

const KEY = 'hearth.view';
const Saved = z.object({ view: z.enum(['chat', 'models', 'connections']), tab: z.enum(MODELS_TABS) });
const listeners = new Set<() => void>();

function read(): ViewState {
  try {
    const saved = Saved.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
    if (saved.success) return saved.data;
  } catch {
    // a damaged entry: start at the chat
  }
  return { view: 'chat', tab: 'discover' };
}

let state: ViewState | null = null;

/**
 * Which view the main area shows, UI state only: anything (the top bar, a shortcut, first run, a dropped file) can
 * send the user to a tab of the model manager. Kept for this tab across a reload, as the open chat is.
 */
export const viewStore = {
  get(): ViewState {
    return (state ??= read());
  },
  set(next: Partial<ViewState>): void {
    state = { ...viewStore.get(), ...next };
    sessionStorage.setItem(KEY, JSON.stringify(state));
    for (const l of listeners) l();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const openModels = (tab: ModelsTab): void => viewStore.set({ view: 'models', tab });

export function useView(): ViewState {
  return useSyncExternalStore(viewStore.subscribe, viewStore.get);
}
