import { useEffect, useSyncExternalStore, type RefObject } from 'react';

/** The message a search result asked to show, until the chat view has scrolled to it. */
let target: string | null = null;
const listeners = new Set<() => void>();

/** Asks the chat view to scroll to a message once it is on screen (a search result was opened). */
export function jumpToMessage(messageId: string): void {
  target = messageId;
  for (const l of listeners) l();
}

const subscribe = (l: () => void): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The message a jump is waiting for, if any (the chat view loads it when it is not loaded yet). */
export const useJumpTarget = (): string | null => useSyncExternalStore(subscribe, () => target);

/** How long a message found by search stays marked after the jump. */
const MARK_MS = 2000;

/**
 * Scrolls `scroller` to the message asked for by `jumpToMessage` when it is among `messageIds`, and marks it for
 * a moment. Each message's element carries `data-message-id`. Runs after the view's own scroll to the end.
 */
export function useJumpToMessage(scroller: RefObject<HTMLElement | null>, messageIds: readonly string[]): void {
  const wanted = useSyncExternalStore(subscribe, () => target);
  const present = wanted !== null && messageIds.includes(wanted);
  useEffect(() => {
    const el = scroller.current;
    if (!present || !el || wanted === null) return;
    let timer = 0;
    // After useFollowBottom's own frame, which scrolls to the end when a chat opens.
    const frame = requestAnimationFrame(() => {
      const anchor = el.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(wanted)}"]`);
      const box = anchor?.firstElementChild as HTMLElement | null | undefined;
      if (!anchor || !box) return;
      box.scrollIntoView({ block: 'center' });
      anchor.dataset.found = 'true';
      timer = window.setTimeout(() => delete anchor.dataset.found, MARK_MS);
      if (target === wanted) target = null;
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [scroller, wanted, present]);
}
