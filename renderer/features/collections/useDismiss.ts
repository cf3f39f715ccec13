import { type RefObject, useEffect, useRef } from 'react';

/**
 * Closes a popover the way people expect: a click outside `wrap`, or Escape. Escape is taken (default prevented) so
 * it does not also stop an answer, and the focus goes back to `button` if it was inside the popover.
 */
export function useDismiss(
  open: boolean,
  wrap: RefObject<HTMLElement | null>,
  button: RefObject<HTMLElement | null>,
  close: () => void,
): void {
  const latest = useRef(close);
  useEffect(() => {
    latest.current = close;
  });
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (e.target instanceof Node && !wrap.current?.contains(e.target)) latest.current();
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      const inside = document.activeElement instanceof Node && !!wrap.current?.contains(document.activeElement);
      latest.current();
      if (inside) button.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, wrap, button]);
}
