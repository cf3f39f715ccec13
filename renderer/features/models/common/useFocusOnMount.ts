import { useEffect, useRef } from 'react';

/**
 * A ref whose element takes the focus once, when it appears: a question that opens (a confirm) gets the focus, and a
 * re-render later (progress elsewhere on the page) does not pull it back, as a callback ref would.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
