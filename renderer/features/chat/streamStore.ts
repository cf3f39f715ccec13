import { useSyncExternalStore } from 'react';

interface Entry { text: string; seq: number; ended: boolean }

/**
 * Text of answers being streamed, keyed by message id. Deltas append; one subscriber per message, so a new
 * delta re-renders only the message it belongs to, however long the chat.
 */
class StreamStore {
  private entries = new Map<string, Entry>();
  private listeners = new Map<string, Set<() => void>>();

  append(id: string, text: string, seq: number): void {
    const e = this.entries.get(id) ?? { text: '', seq: -1, ended: false };
    if (seq <= e.seq || e.ended) return; // a replayed or late delta
    this.entries.set(id, { text: e.text + text, seq, ended: false });
    this.notify(id);
  }

  end(id: string, finalText: string): void {
    this.entries.set(id, { text: finalText, seq: Number.MAX_SAFE_INTEGER, ended: true });
    this.notify(id);
  }

  forget(id: string): void {
    this.entries.delete(id);
    this.notify(id);
  }

  get(id: string): string | undefined { return this.entries.get(id)?.text; }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); if (set.size === 0) this.listeners.delete(id); };
  }

  private notify(id: string): void {
    for (const l of this.listeners.get(id) ?? []) l();
  }
}

export const streamStore = new StreamStore();

export function useStreamText(id: string): string | undefined {
  return useSyncExternalStore((l) => streamStore.subscribe(id, l), () => streamStore.get(id));
}
