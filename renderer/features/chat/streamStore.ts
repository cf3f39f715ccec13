import { useSyncExternalStore } from 'react';

/** Streamed text is kept in pieces of about this many characters; only the last piece ever changes. */
const PIECE_CHARS = 2048;

interface Entry {
  pieces: readonly string[];
  seq: number;
  ended: boolean;
}

/**
 * Text of answers being streamed, keyed by message id. Deltas append; one subscriber per message, so a new
 * delta re-renders only the message it belongs to, and inside it only the last piece's text node changes:
 * earlier pieces keep their nodes (and their shaped text), though the paragraph's lines are still laid out anew.
 */
class StreamStore {
  private entries = new Map<string, Entry>();
  private listeners = new Map<string, Set<() => void>>();

  append(id: string, text: string, seq: number): void {
    const e = this.entries.get(id) ?? { pieces: [], seq: -1, ended: false };
    if (seq <= e.seq || e.ended) return; // a replayed or late delta
    const pieces = [...e.pieces];
    const last = pieces.at(-1);
    if (last !== undefined && last.length < PIECE_CHARS) pieces[pieces.length - 1] = last + text;
    else pieces.push(text);
    this.entries.set(id, { pieces, seq, ended: false });
    this.notify(id);
  }

  end(id: string, finalText: string): void {
    this.entries.set(id, { pieces: [finalText], seq: Number.MAX_SAFE_INTEGER, ended: true });
    this.notify(id);
  }

  /**
   * Brings the store in line with main's answers still being written (after a reconnect or a missed delta):
   * each takes main's text, unless a newer delta is already here; every other unended entry is ended with the
   * text it has. Returns the ids it ended, for the caller to refetch and then forget.
   */
  resync(active: readonly { messageId: string; content: string; seq: number }[]): string[] {
    const live = new Set<string>();
    for (const a of active) {
      live.add(a.messageId);
      const e = this.entries.get(a.messageId);
      if (a.seq < 0 || e?.ended || (e && e.seq >= a.seq)) continue;
      const pieces: string[] = [];
      for (let i = 0; i < a.content.length; i += PIECE_CHARS) pieces.push(a.content.slice(i, i + PIECE_CHARS));
      this.entries.set(a.messageId, { pieces, seq: a.seq, ended: false });
      this.notify(a.messageId);
    }
    const ended = [...this.entries].filter(([id, e]) => !e.ended && !live.has(id)).map(([id]) => id);
    for (const id of ended) this.entries.set(id, { ...this.entries.get(id)!, seq: Number.MAX_SAFE_INTEGER, ended: true });
    return ended;
  }

  forget(id: string): void {
    this.entries.delete(id);
    this.notify(id);
  }

  get(id: string): readonly string[] | undefined {
    return this.entries.get(id)?.pieces;
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

  private notify(id: string): void {
    for (const l of this.listeners.get(id) ?? []) l();
  }
}

export const streamStore = new StreamStore();

/** The streamed pieces of one message, or undefined when nothing is streaming for it. */
export function useStreamPieces(id: string): readonly string[] | undefined {
  return useSyncExternalStore(
    (l) => streamStore.subscribe(id, l),
    () => streamStore.get(id),
  );
}
