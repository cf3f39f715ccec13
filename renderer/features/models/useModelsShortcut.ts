import { useEffect } from 'react';
import { primaryKey } from '../conversations/shortcuts';
import { viewStore } from './viewStore';

/** The shortcut to the model manager and back, said on the Models button. */
export const MODELS_SHORTCUT = { aria: 'Control+Shift+M', mac: '⌘⇧M', other: 'Ctrl+Shift+M' } as const;

/**
 * Ctrl/Cmd+Shift+M opens the model manager, and from there goes back to the chat. (Plain Cmd+M minimizes a
 * window on macOS, so the shortcut takes Shift on every platform.)
 */
export function useModelsShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!primaryKey(e) || !e.shiftKey || e.defaultPrevented || e.key.toLowerCase() !== 'm') return;
      e.preventDefault();
      const { view } = viewStore.get();
      viewStore.set({ view: view === 'models' ? 'chat' : 'models' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
