import { useCallback, useEffect, useRef, type RefObject } from 'react';

const NEAR_END_PX = 40;
const INTENT_MS = 800;

/**
 * Keeps a scroller at its end while content streams in, until the reader scrolls away from the end; scrolling
 * back to the end resumes following. Only the reader's own scrolling (wheel, touch, keys, the scrollbar) changes
 * that: the browser's own adjustments (scroll anchoring, clamping when content shrinks) and our scrolls do not. At most
 * one scroll per animation frame.
 */
export function useFollowBottom(
  scroller: RefObject<HTMLElement | null>,
  subscribe: ((onChange: () => void) => () => void) | null,
  resetKey: unknown,
): { onScroll: () => void; release: () => void } {
  const stick = useRef(true);
  const intentAt = useRef(-Infinity);
  const ours = useRef(-1);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const follow = (): void => {
      if (frame || !stick.current) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        el.scrollTop = el.scrollHeight;
        ours.current = el.scrollTop;
      });
    };
    const intent = (): void => {
      intentAt.current = performance.now();
    };
    const events = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const;
    for (const e of events) el.addEventListener(e, intent, { passive: true });
    follow();
    const off = subscribe?.(follow);
    // A virtual list measures its rows after they render, so its height settles a frame or two after a
    // change: follow that too.
    const resized = new ResizeObserver(follow);
    if (el.firstElementChild) resized.observe(el.firstElementChild);
    return () => {
      off?.();
      resized.disconnect();
      cancelAnimationFrame(frame);
      for (const e of events) el.removeEventListener(e, intent);
    };
  }, [scroller, subscribe, resetKey]);

  /** Stops following until the reader scrolls back to the end (a jump to a message elsewhere). */
  const release = useCallback(() => {
    stick.current = false;
  }, []);

  return {
    release,
    onScroll: () => {
      const el = scroller.current;
      if (!el || Math.abs(el.scrollTop - ours.current) < 2 || performance.now() - intentAt.current > INTENT_MS) return;
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX;
    },
  };
}
