import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { logWarn } from '../../lib/log';
import { formatBytes } from '../extract/outcome';

export interface ScanLimits {
  /** A file over this many bytes is skipped by its size, before a byte of it is read. */
  maxFileBytes: number;
  /** A folder walk stops after this many files (a home folder added by mistake must not fill the database). */
  maxFiles: number;
  maxDepth: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxFileBytes: 50 * 1024 * 1024, maxFiles: 100_000, maxDepth: 32 };

/** A file found: to be read, or listed as skipped with the reason. */
export type ScanEntry =
  | { path: string; kind: 'file'; sizeBytes: number; mtimeMs: number }
  | { path: string; kind: 'skipped'; reason: string; sizeBytes: number; mtimeMs: number };

export interface ScanResult {
  entries: ScanEntry[];
  /** The walk stopped at `maxFiles`. */
  truncated: boolean;
}

// Folders that hold tools' and packages' files, never the user's documents; walking them only costs time.
const NOISE_FOLDERS = new Set(['node_modules', 'bower_components', '__pycache__', 'site-packages', 'venv']);

/**
 * Names that are never the user's documents: hidden files and folders (`.git`, `.env`, `.DS_Store`), Office lock
 * files (`~$report.docx`), editors' backups (`notes.md~`) and unfinished downloads. Watching sees these come and go
 * all the time.
 */
export function isIgnoredName(name: string, isFolder: boolean): boolean {
  if (name.startsWith('.') || name.startsWith('~$') || name.endsWith('~')) return true;
  if (isFolder) return NOISE_FOLDERS.has(name);
  return /\.(tmp|part|crdownload|swp)$/i.test(name);
}

/** `path` lies inside `root` (both real paths), or is it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

const skipped = (path: string, s: Stats | null, reason: string): ScanEntry => ({
  path,
  kind: 'skipped',
  reason,
  sizeBytes: s?.size ?? 0,
  mtimeMs: s?.mtimeMs ?? 0,
});

const codeOf = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/** Why a symbolic link is not followed: every link is skipped, so a walk can never loop or leave its folder. */
async function linkReason(path: string, rootReal: string): Promise<string> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (e) {
    if (codeOf(e) === 'ELOOP') return 'a symbolic link loop: following it never ends';
    if (codeOf(e) === 'ENOENT') return 'a symbolic link to something that does not exist';
    return 'a symbolic link Hearth cannot follow';
  }
  if (!isInside(rootReal, target)) return `a symbolic link that leaves the folder (to ${target})`;
  const targetIsFolder = await stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (targetIsFolder && isInside(target, path)) return 'a symbolic link loop: it points to a folder that holds it';
  return `a symbolic link to ${targetIsFolder ? 'a folder' : 'a file'} in this folder, which is indexed under its own name`;
}

/**
 * What one path is, from `lstat` alone: a FIFO is never opened (opening one blocks until a writer comes), nor a
 * device file or a socket. null: nothing to list (gone, or a folder).
 */
export async function classifyPath(path: string, rootReal: string, limits: ScanLimits): Promise<ScanEntry | null> {
  let s: Stats;
  try {
    s = await lstat(path);
  } catch {
    return null;
  }
  if (s.isDirectory()) return null;
  if (s.isSymbolicLink()) return skipped(path, s, await linkReason(path, rootReal));
  if (s.isFIFO()) return skipped(path, s, 'a named pipe (FIFO), not a file: reading it would wait forever');
  if (s.isSocket()) return skipped(path, s, 'a socket, not a file');
  if (s.isCharacterDevice() || s.isBlockDevice()) return skipped(path, s, 'a device file, not a document');
  if (!s.isFile()) return skipped(path, s, 'not a regular file');
  if (s.size > limits.maxFileBytes) {
    return skipped(path, s, `too big: ${formatBytes(s.size)}, and the limit is ${formatBytes(limits.maxFileBytes)}`);
  }
  return { path, kind: 'file', sizeBytes: s.size, mtimeMs: s.mtimeMs };
}

/**
 * Walks a folder for documents: regular files are found, everything else is listed as skipped with the reason,
 * and nothing a single entry does (a loop, a pipe, a folder it may not read) stops the rest.
 */
export async function scanFolder(root: string, limits: ScanLimits, signal?: AbortSignal): Promise<ScanResult> {
  const rootReal = await realpath(root);
  const entries: ScanEntry[] = [];
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  let files = 0;
  while (stack.length) {
    signal?.throwIfAborted();
    const { dir, depth } = stack.pop()!;
    let children: Dirent[];
    try {
      children = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === root) throw e;
      entries.push(skipped(dir, null, `a folder Hearth could not read (${codeOf(e) ?? 'unknown error'})`));
      continue;
    }
    // Files in name order, and folders too (the stack takes the last pushed first).
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folders: string[] = [];
    for (const child of children) {
      const path = join(dir, child.name);
      if (isIgnoredName(child.name, child.isDirectory())) continue;
      if (child.isDirectory()) {
        if (depth + 1 < limits.maxDepth) folders.push(path);
        else entries.push(skipped(path, null, `a folder nested more than ${limits.maxDepth} deep`));
        continue;
      }
      const entry = await classifyPath(path, rootReal, limits);
      if (!entry) continue;
      if (files >= limits.maxFiles) {
        logWarn(`Stopped scanning ${basename(root)} at ${limits.maxFiles} files.`);
        return { entries, truncated: true };
      }
      files += 1;
      entries.push(entry);
    }
    for (const folder of folders.reverse()) stack.push({ dir: folder, depth: depth + 1 });
  }
  return { entries, truncated: false };
}
