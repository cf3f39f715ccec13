import type { PreloadBridge } from './transport';

const bridge = (window as unknown as { hearth?: Pick<PreloadBridge, 'pathForFile'> }).hearth;

/**
 * Where a dropped file is on disk. Only the desktop window can tell (Electron's webUtils, through the preload);
 * a browser never gives a page a file's path, so there it is null and the user is told how to add the file instead.
 */
export function pathForFile(file: File): string | null {
  if (!bridge?.pathForFile) return null;
  const path = bridge.pathForFile(file);
  return path ? path : null;
}

/** Whether a dropped file can be added by its path here (the desktop window). */
export const canDropPaths = (): boolean => typeof bridge?.pathForFile === 'function';
