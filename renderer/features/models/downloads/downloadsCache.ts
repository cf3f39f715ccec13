import type { Download, DownloadStatus } from '../../../../shared/models';

/** A download still on its way: it can be paused or cancelled, and its file is not in the library yet. */
export const ACTIVE_STATUSES: readonly DownloadStatus[] = ['queued', 'downloading', 'paused', 'verifying'];

export const isActive = (d: Pick<Download, 'status'>): boolean => ACTIVE_STATUSES.includes(d.status);

/**
 * The cached list with one download's newest state: main sends every change of one download whole
 * (`downloads:progress`), so it replaces the old entry, or joins the list (oldest first) when new.
 */
export function mergeDownload(list: readonly Download[], next: Download): Download[] {
  const at = list.findIndex((d) => d.id === next.id);
  if (at >= 0) return list.map((d, i) => (i === at ? next : d));
  return [...list, next].sort((a, b) => a.createdAt - b.createdAt);
}

/** The newest download of one repository file (a cancelled one may have been started again). */
export function downloadFor(list: readonly Download[] | undefined, repo: string, file?: string): Download | undefined {
  return (list ?? [])
    .filter((d) => d.repo === repo && (file === undefined || d.file === file))
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}
