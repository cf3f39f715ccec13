import { useEffect, useRef, type RefObject } from 'react';

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
): { onScroll: () => void } {
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
    return () => {
      off?.();
      cancelAnimationFrame(frame);
      for (const e of events) el.removeEventListener(e, intent);
    };
  }, [scroller, subscribe, resetKey]);

  return {
    onScroll: () => {
      const el = scroller.current;
      if (!el || Math.abs(el.scrollTop - ours.current) < 2 || performance.now() - intentAt.current > INTENT_MS) return;
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX;
    },
  };
}
