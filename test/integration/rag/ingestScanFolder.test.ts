import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../../electron/rag/ingest/hashFile';
import { DEFAULT_SCAN_LIMITS, isIgnoredName, scanFolder } from '../../../electron/rag/ingest/scanFolder';
import { tempDir } from '../../helpers/fixtures';

/** The folder scanner and the hasher on a real file system (electron/rag/ingest/scanFolder.ts, hashFile.ts). */
let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const rel = (p: string): string => p.slice(dir.length + 1);

describe('the folder scanner', () => {
  it('finds regular files in name order, folders included, and leaves out hidden, package and temporary names', async () => {
    for (const d of ['b', 'a', 'a/inner', '.git', 'node_modules/x', '__pycache__']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['z.md', 'a/inner/deep.txt', 'a/one.md', 'b/two.md', '.git/HEAD', 'node_modules/x/i.js', '__pycache__/m.pyc']) {
      writeFileSync(join(dir, f), f);
    }
    for (const f of ['.env', '~$report.docx', 'notes.md~', 'movie.mp4.part', 'file.crdownload']) writeFileSync(join(dir, f), 'noise');
    const { entries, truncated } = await scanFolder(dir, DEFAULT_SCAN_LIMITS);
    expect(truncated).toBe(false);
    expect(entries.map((e) => [rel(e.path), e.kind])).toEqual([
      ['z.md', 'file'],
      ['a/one.md', 'file'],
      ['a/inner/deep.txt', 'file'],
      ['b/two.md', 'file'],
    ]);
    expect(entries[0]).toMatchObject({ sizeBytes: 4, mtimeMs: expect.any(Number) });
  });

  it('lists every link as skipped with why, and never follows one out of the folder or round in a loop', async () => {
    mkdirSync(join(dir, 'in'));
    mkdirSync(join(dir, 'in', 'sub'));
    writeFileSync(join(dir, 'in', 'real.md'), 'real');
    writeFileSync(join(dir, 'secret.md'), 'outside');
    symlinkSync(join(dir, 'in', 'real.md'), join(dir, 'in', 'alias.md'));
    symlinkSync(join(dir, 'secret.md'), join(dir, 'in', 'escape.md'));
    symlinkSync(join(dir, 'in'), join(dir, 'in', 'sub', 'up'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'in', 'dangling.md'));
    symlinkSync('self', join(dir, 'in', 'self'));
    const { entries } = await scanFolder(join(dir, 'in'), DEFAULT_SCAN_LIMITS);
    expect(Object.fromEntries(entries.map((e) => [rel(e.path), e.kind === 'skipped' ? e.reason : 'file']))).toEqual({
      'in/alias.md': 'a symbolic link to a file in this folder, which is indexed under its own name',
      'in/dangling.md': 'a symbolic link to something that does not exist',
      'in/escape.md': `a symbolic link that leaves the folder (to ${join(dir, 'secret.md')})`,
      'in/real.md': 'file',
      'in/self': 'a symbolic link loop: following it never ends',
      'in/sub/up': 'a symbolic link loop: it points to a folder that holds it',
    });
  });

  it('refuses a FIFO, a link to a device and an oversized sparse file from lstat alone', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    writeFileSync(join(dir, 'huge.txt'), '');
    truncateSync(join(dir, 'huge.txt'), 20 * 1024 ** 3);
    symlinkSync('/dev/null', join(dir, 'null-link'));
    const { entries } = await scanFolder(dir, DEFAULT_SCAN_LIMITS);
    expect(Object.fromEntries(entries.map((e) => [rel(e.path), e.kind === 'skipped' ? e.reason : 'file']))).toEqual({
      'huge.txt': 'too big: 20.0 GB, and the limit is 50 MB',
      'null-link': 'a symbolic link that leaves the folder (to /dev/null)',
      pipe: 'a named pipe (FIFO), not a file: reading it would wait forever',
    });
  });

  it('stops at the file limit and says so, and lists folders nested too deep as skipped', async () => {
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.md`), 'x');
    expect((await scanFolder(dir, { ...DEFAULT_SCAN_LIMITS, maxFiles: 3 })).entries).toHaveLength(3);
    expect((await scanFolder(dir, { ...DEFAULT_SCAN_LIMITS, maxFiles: 3 })).truncated).toBe(true);
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'c', 'deep.md'), 'deep');
    const { entries } = await scanFolder(dir, { ...DEFAULT_SCAN_LIMITS, maxDepth: 2 });
    expect(entries.filter((e) => e.kind === 'skipped').map((e) => [rel(e.path), e.kind === 'skipped' && e.reason])).toEqual([
      ['a/b', 'a folder nested more than 2 deep'],
    ]);
  });

  it('tells names that are never documents apart from ones that are', () => {
    expect(['.hidden', '~$lock.docx', 'draft.md~', 'x.tmp', 'y.part', 'z.swp'].map((n) => isIgnoredName(n, false))).toEqual(
      Array(6).fill(true),
    );
    expect(['node_modules', '__pycache__', '.venv', 'venv'].map((n) => isIgnoredName(n, true))).toEqual(Array(4).fill(true));
    expect(['notes.md', 'venv', 'report.partial.pdf'].map((n) => isIgnoredName(n, false))).toEqual([false, false, false]);
  });
});

describe('the hasher', () => {
  it('hashes a file with SHA-256 and refuses a FIFO or a link without waiting on it', async () => {
    writeFileSync(join(dir, 'a.txt'), 'abc');
    expect(await hashFile(join(dir, 'a.txt'), 1024)).toMatchObject({
      ok: true,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sizeBytes: 3,
    });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(await hashFile(join(dir, 'pipe'), 1024)).toMatchObject({ ok: false, reason: 'not a regular file any more' });
    symlinkSync(join(dir, 'a.txt'), join(dir, 'link'));
    await expect(hashFile(join(dir, 'link'), 1024)).rejects.toMatchObject({ code: 'ELOOP' });
    expect(await hashFile(join(dir, 'a.txt'), 2)).toMatchObject({ ok: false, reason: 'too big' });
  });
});
