import { mkdir, statfs } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { formatBytes } from './formatBytes';

/** What the downloader needs of fs.statfs; tests give their own to stand for a full disk. */
export type StatFs = (path: string) => Promise<{ bavail: number; bsize: number }>;

export const nodeStatFs: StatFs = (path) => statfs(path);

/** Refuses a download that would not fit, before a byte is written: NO_SPACE, with the numbers. */
export async function checkFreeSpace(dir: string, neededBytes: number, statFs: StatFs, alsoQueuedBytes = 0): Promise<void> {
  await mkdir(dir, { recursive: true });
  const s = await statFs(dir);
  const free = s.bavail * s.bsize;
  if (neededBytes + alsoQueuedBytes <= free) return;
  const queued = alsoQueuedBytes > 0 ? `, and the downloads before it ${formatBytes(alsoQueuedBytes)} more` : '';
  throw new AppError(
    'NO_SPACE',
    `Not enough free space in ${dir}: this download needs ${formatBytes(neededBytes)}${queued}, and ${formatBytes(free)} is free.`,
  );
}
