import { useEffect, useRef } from 'react';

export const SEARCH_INPUT_ID = 'conversation-search';

/** Ctrl on Windows and Linux, Cmd on macOS; neither with Alt. */
export const primaryKey = (e: KeyboardEvent): boolean => (navigator.platform.startsWith('Mac') ? e.metaKey : e.ctrlKey) && !e.altKey;

/**
 * The app's keyboard shortcuts: Ctrl/Cmd+K searches the chats, Ctrl/Cmd+N starts a new chat (a browser keeps
 * Ctrl+N for a new window, so Ctrl/Cmd+Shift+O does the same there, as in other chat apps).
 */
export function useAppShortcuts(onNewChat: () => void): void {
  const latest = useRef(onNewChat);
  useEffect(() => {
    latest.current = onNewChat;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!primaryKey(e) || e.defaultPrevented) return;
      const key = e.key.toLowerCase();
      if (key === 'k' && !e.shiftKey) {
        e.preventDefault();
        const search = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
        search?.focus();
        search?.select();
      } else if ((key === 'n' && !e.shiftKey) || (key === 'o' && e.shiftKey)) {
        e.preventDefault();
        latest.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * Escape stops the answer being written, while the focus is in the chat (or nowhere in particular) and nothing
 * else took the key first: a dialog or a field that uses Escape itself calls preventDefault.
 */
export function useEscapeToStop(stop: (() => void) | null): void {
  const latest = useRef(stop);
  useEffect(() => {
    latest.current = stop;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || !latest.current) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target && target !== document.body && !target.closest('.chat')) return;
      e.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
