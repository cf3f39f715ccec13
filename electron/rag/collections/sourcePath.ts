import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';

const codeOf = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/**
 * A path the user gave for a collection: absolute, there, and a file or a folder Hearth may read. A link the user
 * chose is followed (they pointed at it); links found inside a folder never are.
 */
export async function checkSourcePath(raw: string): Promise<{ path: string; kind: 'file' | 'folder' }> {
  if (!isAbsolute(raw)) throw new AppError('BAD_INPUT', 'Give the full path of the file or folder, starting from the root.');
  const path = resolve(raw);
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(path);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('NOT_FOUND', `${path} does not exist.`);
    if (code === 'ELOOP') throw new AppError('BAD_INPUT', `${path} is a symbolic link that loops.`);
    if (code === 'EACCES' || code === 'EPERM') throw new AppError('FORBIDDEN', `Hearth may not read ${path}.`);
    throw new AppError('BAD_INPUT', `${path} cannot be read (${code ?? 'unknown error'}).`);
  }
  const kind = s.isDirectory() ? 'folder' : s.isFile() ? 'file' : null;
  if (!kind) throw new AppError('BAD_INPUT', `${path} is not a file or a folder (a pipe, a socket or a device cannot be indexed).`);
  try {
    await access(path, kind === 'folder' ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch {
    throw new AppError('FORBIDDEN', `Hearth may not read ${path}.`);
  }
  // A file is kept by its real path, so reading it never meets a link; a folder keeps the name the user knows.
  return { path: kind === 'file' ? await realpath(path) : path, kind };
}
