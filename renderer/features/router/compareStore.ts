import { useSyncExternalStore } from 'react';
import type { MessageRoute } from '../../../shared/api';

/** A comparison the user asked for: the user message both answers reply to, and where the first side starts. */
export interface CompareRequest {
  conversationId: string;
  /** The user message. */
  messageId: string;
  /** Its text, shown above the two answers. */
  prompt: string;
  /** When compare was asked from an answer: where it ran (its route, or its model on this machine), as side A. */
  from: { route: MessageRoute | undefined; model: string | null } | null;
}

type Listener = () => void;

/**
 * Which comparison is open: UI-only state, held outside the message list so the dialog outlives the message that
 * opened it (the chat's list is virtual, and the comparison's answers change its branch).
 */
class CompareStore {
  private current: CompareRequest | null = null;
  private readonly listeners = new Set<Listener>();

  open(request: CompareRequest): void {
    this.current = request;
    this.emit();
  }

  close(): void {
    this.current = null;
    this.emit();
  }

  get = (): CompareRequest | null => this.current;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const compareStore = new CompareStore();

export const useCompareRequest = (): CompareRequest | null =>
  useSyncExternalStore(compareStore.subscribe, compareStore.get, compareStore.get);
