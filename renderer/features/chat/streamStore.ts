import { useSyncExternalStore } from 'react';

/** Streamed text is kept in pieces of about this many characters; only the last piece ever changes. */
const PIECE_CHARS = 2048;

/** A reasoning model's thoughts while its answer streams. */
export interface StreamThoughts {
  pieces: readonly string[];
  /** When thinking began (epoch ms), for the live timer. */
  startedAt: number;
  /** How long it thought, once the answer began or the stream ended; null while it still thinks. */
  ms: number | null;
}

interface Entry {
  pieces: readonly string[];
  /** A new object only when the thoughts change, so the answer's subscribers never re-render for a thought. */
  thoughts: StreamThoughts | null;
  seq: number;
  ended: boolean;
}

export type DeltaKind = 'text' | 'thought';

/** The final state an ended stream shows until the saved message replaces it. */
export interface StreamFinal {
  thoughts: string;
  thoughtMs: number | null;
}

/** What a resync takes from main for one answer still being written (`chat:active`). */
export interface ActiveText {
  messageId: string;
  content: string;
  seq: number;
  thoughts?: string;
  thoughtStartedAt?: number | null;
  thoughtMs?: number | null;
}

const appendPiece = (pieces: readonly string[], text: string): readonly string[] => {
  const next = [...pieces];
  const last = next.at(-1);
  if (last !== undefined && last.length < PIECE_CHARS) next[next.length - 1] = last + text;
  else next.push(text);
  return next;
};

const toPieces = (text: string): string[] => {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += PIECE_CHARS) pieces.push(text.slice(i, i + PIECE_CHARS));
  return pieces;
};

/**
 * Text of answers being streamed, keyed by message id. Deltas append; one subscriber per message, so a new
 * delta re-renders only the message it belongs to, and inside it only the last piece's text node changes:
 * earlier pieces keep their nodes (and their shaped text), though the paragraph's lines are still laid out anew.
 * A reasoning model's thoughts stream beside the answer (the same seq), kept apart from its text.
 */
class StreamStore {
  private entries = new Map<string, Entry>();
  private listeners = new Map<string, Set<() => void>>();

  /** `now` is the clock for thinking times; tests replace it. */
  now: () => number = Date.now;

  append(id: string, text: string, seq: number, kind: DeltaKind = 'text'): void {
    const e = this.entries.get(id) ?? { pieces: [], thoughts: null, seq: -1, ended: false };
    if (seq <= e.seq || e.ended) return; // a replayed or late delta
    if (kind === 'thought') {
      const t = e.thoughts;
      const thoughts = { pieces: appendPiece(t?.pieces ?? [], text), startedAt: t?.startedAt ?? this.now(), ms: null };
      this.entries.set(id, { ...e, thoughts, seq });
    } else {
      // The first answer text ends the thinking.
      const t = e.thoughts;
      const thoughts = t && t.ms === null ? { ...t, ms: Math.max(0, this.now() - t.startedAt) } : t;
      this.entries.set(id, { pieces: appendPiece(e.pieces, text), thoughts, seq, ended: false });
    }
    this.notify(id);
  }

  /** The answer is over: its final text (and thoughts, when given) replace what was streamed. */
  end(id: string, finalText: string, final?: StreamFinal): void {
    const t = this.entries.get(id)?.thoughts ?? null;
    let thoughts = t;
    if (final) {
      thoughts = final.thoughts
        ? {
            pieces: toPieces(final.thoughts),
            startedAt: t?.startedAt ?? this.now(),
            ms: final.thoughtMs ?? t?.ms ?? (t ? Math.max(0, this.now() - t.startedAt) : null),
          }
        : null;
    } else if (t && t.ms === null) {
      thoughts = { ...t, ms: Math.max(0, this.now() - t.startedAt) };
    }
    this.entries.set(id, { pieces: [finalText], thoughts, seq: Number.MAX_SAFE_INTEGER, ended: true });
    this.notify(id);
  }

  /**
   * Brings the store in line with main's answers still being written (after a reconnect or a missed delta):
   * each takes main's text and thoughts, unless a newer delta is already here; every other unended entry is
   * ended with the text it has. Returns the ids it ended, for the caller to refetch and then forget.
   */
  resync(active: readonly ActiveText[]): string[] {
    const live = new Set<string>();
    for (const a of active) {
      live.add(a.messageId);
      const e = this.entries.get(a.messageId);
      if (a.seq < 0 || e?.ended || (e && e.seq >= a.seq)) continue;
      const thoughts = a.thoughts
        ? {
            pieces: toPieces(a.thoughts),
            startedAt: a.thoughtStartedAt ?? e?.thoughts?.startedAt ?? this.now(),
            ms: a.thoughtMs ?? (a.content ? (e?.thoughts?.ms ?? null) : null),
          }
        : null;
      this.entries.set(a.messageId, { pieces: toPieces(a.content), thoughts, seq: a.seq, ended: false });
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

  /** The whole text streamed so far for one message, joined once per change (a change replaces the pieces array). */
  text(id: string): string | undefined {
    const pieces = this.entries.get(id)?.pieces;
    if (!pieces) return undefined;
    let text = joined.get(pieces);
    if (text === undefined) joined.set(pieces, (text = pieces.join('')));
    return text;
  }

  /** The streamed thoughts of one message, or undefined when none have streamed. */
  thoughts(id: string): StreamThoughts | undefined {
    return this.entries.get(id)?.thoughts ?? undefined;
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

const joined = new WeakMap<readonly string[], string>();

export const streamStore = new StreamStore();

/** The streamed pieces of one message, or undefined when nothing is streaming for it. */
export function useStreamPieces(id: string): readonly string[] | undefined {
  return useSyncExternalStore(
    (l) => streamStore.subscribe(id, l),
    () => streamStore.get(id),
  );
}

/** The streamed thoughts of one message, or undefined when none are streaming for it. */
export function useStreamThoughts(id: string): StreamThoughts | undefined {
  const snapshot = (): StreamThoughts | undefined => streamStore.thoughts(id);
  // The same snapshot on a server render, so the block renders to static markup too (its tests do).
  return useSyncExternalStore((l) => streamStore.subscribe(id, l), snapshot, snapshot);
}

/** The streamed text of one message, or undefined when nothing is streaming for it. */
export function useStreamText(id: string): string | undefined {
  return useSyncExternalStore(
    (l) => streamStore.subscribe(id, l),
    () => streamStore.text(id),
  );
}
