import { useSyncExternalStore } from 'react';

/**
 * Where each waiting answer stands: how many answers are ahead of it (main's `chat:queue`, and `chat:active`
 * after a resync). An answer that has started, or ended, has no entry.
 */
class QueueStore {
  private readonly ahead = new Map<string, number>();
  private readonly listeners = new Map<string, Set<() => void>>();

  set(id: string, ahead: number): void {
    if (ahead > 0) this.ahead.set(id, ahead);
    else this.ahead.delete(id);
    for (const l of this.listeners.get(id) ?? []) l();
  }

  get(id: string): number | undefined {
    return this.ahead.get(id);
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

export const queueStore = new QueueStore();

/** How many answers are ahead of this one, or undefined when it is not waiting. */
export function useQueuePlace(id: string): number | undefined {
  return useSyncExternalStore(
    (l) => queueStore.subscribe(id, l),
    () => queueStore.get(id),
  );
}
