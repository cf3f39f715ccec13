import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBounded } from '../../../../electron/rag/extract/readBounded';
import { tempDir } from '../../../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder(): string {
  const t = tempDir('hearth-read-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('readBounded', () => {
  it('reads a file of several chunks whole', async () => {
    const path = join(folder(), 'a.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    writeFileSync(path, data);
    const read = await readBounded(path, 10 * 1024 * 1024);
    expect(read.ok && read.bytes.equals(data)).toBe(true);
  });

  it('reads a file of exactly the cap, and refuses one byte more', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'at.txt'), Buffer.alloc(1000, 'a'));
    writeFileSync(join(dir, 'over.txt'), Buffer.alloc(1001, 'a'));
    expect(await readBounded(join(dir, 'at.txt'), 1000)).toMatchObject({ ok: true });
    expect(await readBounded(join(dir, 'over.txt'), 1000)).toEqual({ ok: false, why: 'tooBig' });
  });

  it('opens a FIFO without waiting for a writer and refuses it', async () => {
    const path = join(folder(), 'pipe.txt');
    execFileSync('mkfifo', [path]);
    expect(await readBounded(path, 1000)).toEqual({ ok: false, why: 'notRegular' });
  });

  it('refuses to follow a symbolic link', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'target.txt'), 'x');
    symlinkSync(join(dir, 'target.txt'), join(dir, 'link.txt'));
    await expect(readBounded(join(dir, 'link.txt'), 1000)).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('stops reading when the signal is aborted', async () => {
    const path = join(folder(), 'a.txt');
    writeFileSync(path, 'hello');
    const controller = new AbortController();
    controller.abort();
    await expect(readBounded(path, 1000, controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
