import { useEffect } from 'react';
import type { Settings } from '../../shared/types';

/** Puts the user's theme on <html> (data-theme); 'system' leaves it to prefers-color-scheme. */
export function useTheme(theme: Settings['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    else delete root.dataset.theme;
  }, [theme]);
}
