import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors';

/** A Hub repository id: `owner/name`, as the Hub allows them. */
const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
/**
 * One folder or file name from a repository. Narrower than the Hub allows on purpose: the name becomes a path on
 * the user's disk, on three operating systems, so only the characters model files actually use pass.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+\-=@,()[\] ]{0,199}$/;
/** Names Windows keeps for devices, with any extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

const refuse = (what: string, why: string): never => {
  throw new AppError('BAD_INPUT', `Refused to download ${JSON.stringify(what)}: ${why}`);
};

/** Checks a Hub repository id; it becomes two folders under the models folder. */
export function checkRepoId(repo: string): void {
  if (!REPO.test(repo) || repo.split('/').some((s) => s === '.' || s === '..' || s.endsWith('.'))) {
    refuse(repo, 'that is not a Hub repository id (owner/name).');
  }
}

/**
 * Where a repository file goes: `<modelsDir>/<owner>/<name>/<path in repo>`. Refuses a remote name that could land
 * anywhere else (`..`, absolute, backslashes, drive letters, control or unusual characters), checked by its
 * segments and again by where the joined path ends up.
 */
export function destinationFor(modelsDir: string, repo: string, remotePath: string): string {
  checkRepoId(repo);
  if (remotePath.length === 0 || remotePath.length > 1000) refuse(remotePath, 'the name is empty or too long.');
  if (remotePath.includes('\\')) refuse(remotePath, 'it contains a backslash.');
  if (isAbsolute(remotePath) || remotePath.startsWith('/')) refuse(remotePath, 'it is an absolute path.');
  for (const segment of remotePath.split('/')) {
    if (segment === '..' || segment === '.') refuse(remotePath, 'it would leave the models folder.');
    if (!SEGMENT.test(segment)) refuse(remotePath, `the name ${JSON.stringify(segment)} has characters Hearth does not write to disk.`);
    // Windows drops a trailing dot or space, so two different remote names could become one file.
    if (segment.endsWith('.') || segment.endsWith(' ')) refuse(remotePath, 'a name ends with a dot or a space.');
    if (WINDOWS_DEVICE.test(segment)) refuse(remotePath, `${segment} is a device name on Windows.`);
  }
  const root = resolve(modelsDir);
  const dest = resolve(join(root, ...repo.split('/'), ...remotePath.split('/')));
  const rel = relative(root, dest);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) refuse(remotePath, 'it would leave the models folder.');
  return dest;
}

/**
 * After the folders exist: a symbolic link inside the models folder must not carry a download somewhere else.
 * The names were checked already; this checks where the disk really puts them.
 */
export async function checkRealInside(modelsDir: string, dir: string): Promise<void> {
  const [root, real] = await Promise.all([realpath(modelsDir), realpath(dir)]);
  const rel = relative(root, real);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new AppError('BAD_INPUT', `Refused to download into ${dir}: a link there leads out of the models folder, to ${real}.`);
  }
}
