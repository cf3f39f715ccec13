import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { AppError } from '../../../shared/errors';

/** `path` lies inside `dir` (and is not `dir` itself). */
export const isInside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** Removes the folders a download made (`<owner>/<repo>`) once they are empty, never the models folder itself. */
export async function pruneEmptyFolders(root: string, from: string): Promise<void> {
  for (let dir = from; isInside(root, dir); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
  }
}

/** Made if missing, and proven writable by writing to it: access() can say yes on a read-only network share. */
export async function assertWritableFolder(dir: string): Promise<void> {
  const probe = join(dir, `.hearth-write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const why = FOLDER_ERRORS[code] ?? (error instanceof Error ? error.message : String(error));
    throw new AppError('BAD_INPUT', `Hearth cannot keep models in ${dir}: ${why}.`);
  }
}

const FOLDER_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  ENOTDIR: 'part of that path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'the disk is full',
};
