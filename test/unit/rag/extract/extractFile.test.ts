import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractFile } from '../../../../electron/rag/extract/extractFile';
import { AppError } from '../../../../shared/errors';
import { pdfBytes, png } from '../../../helpers/corpus';
import { tempDir } from '../../../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder(): string {
  const t = tempDir('hearth-extract-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function file(name: string, data: string | Uint8Array): string {
  const path = join(folder(), name);
  writeFileSync(path, data);
  return path;
}

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('extractFile, by format', () => {
  it('reads a PDF with its pages', async () => {
    const path = file(
      'a.pdf',
      await pdfBytes(
        [
          { title: 'One', paragraphs: ['First.'] },
          { title: 'Two', paragraphs: ['Second.'] },
        ],
        { outline: true },
      ),
    );
    const result = await extractFile(path);
    expect(result).toEqual({
      ok: true,
      value: {
        text: 'One\nFirst.\n\nTwo\nSecond.',
        pages: [
          { page: 1, start: 0 },
          { page: 2, start: 12 },
        ],
        headings: [
          { level: 1, title: 'One', start: 0 },
          { level: 1, title: 'Two', start: 12 },
        ],
      },
    });
  });

  it('reads Markdown with its headings', async () => {
    const result = await extractFile(file('n.md', '# Top\r\n\r\ntext\r\n## Sub\r\n'));
    expect(result).toEqual({
      ok: true,
      value: {
        text: '# Top\n\ntext\n## Sub\n',
        pages: null,
        headings: [
          { level: 1, title: 'Top', start: 0 },
          { level: 2, title: 'Sub', start: 12 },
        ],
      },
    });
  });

  it('reads HTML without its scripts', async () => {
    const result = await extractFile(file('p.html', '<html><body><h1>Hi</h1><script>SECRET()</script><p>there</p></body></html>'));
    expect(result).toEqual({ ok: true, value: { text: 'Hi\n\nthere', pages: null, headings: [{ level: 1, title: 'Hi', start: 0 }] } });
  });

  it('reads CSV rows as lines, TSV by its extension, plain text and code whole', async () => {
    expect(await extractFile(file('t.csv', 'a,b\n1,2\n'))).toMatchObject({ ok: true, value: { text: 'a, b\na: 1; b: 2' } });
    expect(await extractFile(file('t.tsv', 'a,x\tb\n1\t2\n'))).toMatchObject({ ok: true, value: { text: 'a,x, b\na,x: 1; b: 2' } });
    expect(await extractFile(file('t.txt', 'plain\n'))).toEqual({ ok: true, value: { text: 'plain\n', pages: null, headings: [] } });
    const code = 'export const x = 1;\n// # not a heading\n';
    expect(await extractFile(file('x.ts', code))).toEqual({ ok: true, value: { text: code, pages: null, headings: [] } });
  });

  it('returns a hundred-thousand-character word whole', async () => {
    const word = 'q'.repeat(100_000);
    const result = await extractFile(file('w.txt', `before ${word} after`));
    expect(result.ok && result.value.text).toBe(`before ${word} after`);
  });
});

describe('extractFile, refusals', () => {
  it('fails an encrypted PDF, saying it needs a password', async () => {
    const path = file('e.pdf', await pdfBytes([{ title: 'x', paragraphs: ['y'] }], { outline: false, userPassword: 'pw' }));
    expect(await extractFile(path)).toEqual({ ok: false, status: 'failed', reason: 'encrypted: the PDF needs a password' });
  });

  it('skips a binary file named .md', async () => {
    expect(await extractFile(file('notes.md', png(32, 32)))).toMatchObject({
      ok: false,
      status: 'skipped',
      reason: expect.stringMatching(/^binary:/),
    });
  });

  it('skips an empty file and a file of blank space', async () => {
    expect(await extractFile(file('e.txt', ''))).toEqual({ ok: false, status: 'skipped', reason: 'empty: the file has no text' });
    expect(await extractFile(file('b.md', ' \n\t\n'))).toEqual({ ok: false, status: 'skipped', reason: 'empty: the file has no text' });
  });

  it('fails a page whose body has no text', async () => {
    expect(await extractFile(file('app.html', '<html><body><div id="root"></div><script>render()</script></body></html>'))).toMatchObject({
      ok: false,
      status: 'failed',
      reason: expect.stringMatching(/^no text/),
    });
  });

  it('skips a type it does not read, naming the extension', async () => {
    expect(await extractFile(file('song.mp3', 'ID3'))).toEqual({
      ok: false,
      status: 'skipped',
      reason: 'unsupported type: Hearth does not read .mp3 files',
    });
    expect(await extractFile(file('LICENSE', 'MIT'))).toEqual({
      ok: false,
      status: 'skipped',
      reason: 'unsupported type: a file without an extension',
    });
  });

  it('skips a sparse 20 GB file by its size, without reading it', async () => {
    const path = join(folder(), 'huge.txt');
    writeFileSync(path, '');
    truncateSync(path, 20 * 1024 ** 3);
    try {
      expect(statSync(path).size).toBe(20 * 1024 ** 3);
      expect(await extractFile(path)).toEqual({ ok: false, status: 'skipped', reason: 'too big: 20.0 GB, over the 50 MB limit' });
    } finally {
      rmSync(path);
    }
  });

  it('skips a file over a smaller cap the caller sets', async () => {
    expect(await extractFile(file('a.txt', 'x'.repeat(2048)), { maxBytes: 1024 })).toEqual({
      ok: false,
      status: 'skipped',
      reason: 'too big: 2 kB, over the 1 kB limit',
    });
  });

  it('skips text over the character cap', async () => {
    expect(await extractFile(file('a.txt', 'word '.repeat(100)), { maxChars: 100 })).toEqual({
      ok: false,
      status: 'skipped',
      reason: 'too much text: over 100 characters',
    });
  });

  it('skips a FIFO, a folder and a symbolic link without opening them', async () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
    mkdirSync(join(dir, 'sub.md'));
    writeFileSync(join(dir, 'real.txt'), 'text');
    symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'));
    expect(await extractFile(join(dir, 'pipe.txt'))).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^not a regular file/),
    });
    expect(await extractFile(join(dir, 'sub.md'))).toMatchObject({ status: 'skipped', reason: 'a folder, not a file' });
    expect(await extractFile(join(dir, 'link.txt'))).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^a symbolic link/),
    });
  });

  it('skips a file that is no longer there', async () => {
    expect(await extractFile(join(folder(), 'gone.txt'))).toEqual({
      ok: false,
      status: 'skipped',
      reason: 'missing: the file is no longer there',
    });
  });

  it('fails a file it may not read', async () => {
    const path = file('secret.txt', 'x');
    execFileSync('chmod', ['000', path]);
    // Root reads anything: then there is nothing to refuse.
    const expected =
      process.getuid?.() === 0 ? { ok: true } : { ok: false, status: 'failed', reason: 'no permission: Hearth may not read this file' };
    expect(await extractFile(path)).toMatchObject(expected);
  });
});

describe('extractFile, cancel and deadline', () => {
  it('throws CANCELLED when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(extractFile(file('a.txt', 'x'), { signal: controller.signal })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'CANCELLED',
    );
  });

  it('throws CANCELLED when aborted while it reads', async () => {
    const controller = new AbortController();
    const run = extractFile(file('a.txt', 'x'), { signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'CANCELLED');
  });

  it('stops a long PDF at the page where it is aborted', async () => {
    const pages = Array.from({ length: 30 }, (_, i) => ({ title: `Page ${i + 1}`, paragraphs: ['text'] }));
    const path = file('long.pdf', await pdfBytes(pages, { outline: false }));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = extractFile(path, {
      signal: controller.signal,
      onPage: (n) => {
        seen.push(n);
        if (n === 2) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'CANCELLED');
    expect(seen).toEqual([1, 2]);
  });

  it('fails a file still being read at its deadline, and reads no further', async () => {
    const pages = Array.from({ length: 30 }, (_, i) => ({ title: `Page ${i + 1}`, paragraphs: ['text'] }));
    const path = file('slow.pdf', await pdfBytes(pages, { outline: false }));
    const seen: number[] = [];
    const started = Date.now();
    // The first page holds the thread until past the deadline; its timer then fires at the next page's yield. (On
    // a machine slow enough to pass the deadline before page 1, no page is seen: still no further than the deadline.)
    const result = await extractFile(path, {
      timeoutMs: 1000,
      onPage: (n) => {
        seen.push(n);
        if (n === 1) sleepSync(Math.max(0, started + 1100 - Date.now()));
      },
    });
    expect(result).toEqual({ ok: false, status: 'failed', reason: 'too slow: reading it took over 1 s' });
    expect(seen.length).toBeLessThanOrEqual(1);
  });
});
