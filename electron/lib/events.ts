import type { EventChannel } from '../../shared/channels';
import type { EventPayload } from '../../shared/contract';

export type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

/** Main's events, fanned out to every transport. Services emit; transports subscribe. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // one broken client must not stop the others
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
