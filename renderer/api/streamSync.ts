import type { ActiveStream, ChatDelta } from '../../shared/contract';

export interface StreamSyncDeps {
  store: {
    append(id: string, text: string, seq: number, kind?: 'text' | 'thought'): void;
    resync(active: readonly ActiveStream[]): string[];
  };
  /** Main's answers still being written (`chat:active`). */
  fetchActive: () => Promise<ActiveStream[]>;
  /** The answers a resync found finished: refetch their conversations, then forget them. */
  onEnded: (messageIds: string[]) => void;
}

export interface StreamSync {
  delta(d: ChatDelta): void;
  end(messageId: string): void;
  /** Asks main for every answer still being written and takes its text; runs one at a time. */
  resync(): Promise<void>;
}

/**
 * Keeps streamed text true when events go missing. Deltas of one stream come with seq 0, 1, 2, ...; one that
 * skips (events lost while the socket was down, or this page opened mid-answer) is dropped and starts a resync
 * instead, so text is never stitched together with a hole in it. A resync asked for while one runs runs once
 * more after it, since it may have been asked for by text newer than what the running one saw.
 */
export function createStreamSync(d: StreamSyncDeps): StreamSync {
  const lastSeq = new Map<string, number>();
  let running: Promise<void> | null = null;
  let again = false;

  const once = async (): Promise<void> => {
    const active = await d.fetchActive();
    for (const a of active) lastSeq.set(a.messageId, Math.max(lastSeq.get(a.messageId) ?? -1, a.seq));
    const ended = d.store.resync(active);
    for (const id of ended) lastSeq.delete(id);
    if (ended.length > 0) d.onEnded(ended);
  };

  const resync = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        // A failed call means the connection dropped again; the reconnect resyncs.
        await once().catch(() => undefined);
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    delta(delta) {
      const expected = (lastSeq.get(delta.messageId) ?? -1) + 1;
      if (delta.seq < expected) return; // a replay
      if (delta.seq > expected) {
        void resync();
        return;
      }
      lastSeq.set(delta.messageId, delta.seq);
      d.store.append(delta.messageId, delta.text, delta.seq, delta.kind ?? 'text');
    },
    end(messageId) {
      lastSeq.delete(messageId);
    },
    resync,
  };
}
