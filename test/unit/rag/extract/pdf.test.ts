import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { extractPdf } from '../../../../electron/rag/extract/pdf';
import { type PdfPage, pdfBytes, scannedPdf } from '../../../helpers/corpus';

const PAGES: PdfPage[] = [
  { title: 'Overview', paragraphs: ['The Brindle valve opens at 3.2 bar.'] },
  { title: 'Maintenance', paragraphs: ['Replace the gasket every 900 hours.', 'Use only grade-7 grease.'] },
  { title: 'Blank', paragraphs: [] },
  { title: 'Warranty', paragraphs: ['The warranty lasts 26 months.'] },
];

const opts = { maxChars: 1_000_000 };

describe('extractPdf', () => {
  it('reads the text of each page and says where each page starts', async () => {
    const result = await extractPdf(await pdfBytes(PAGES, { outline: false }), opts);
    if (!result.ok) throw new Error(result.reason);
    const { text, pages } = result.value;
    expect(pages).toEqual([
      { page: 1, start: 0 },
      { page: 2, start: text.indexOf('Maintenance') },
      { page: 3, start: text.indexOf('Blank') },
      { page: 4, start: text.indexOf('Warranty') },
    ]);
    const pageText = (n: number): string => text.slice(pages![n - 1]!.start, pages![n]?.start ?? text.length);
    expect(pageText(1)).toContain('The Brindle valve opens at 3.2 bar.');
    expect(pageText(2)).toContain('Replace the gasket every 900 hours.\nUse only grade-7 grease.');
    expect(pageText(4)).toContain('The warranty lasts 26 months.');
    expect(pageText(4)).not.toContain('gasket');
  });

  it('turns the bookmarks into headings at their titles on their pages', async () => {
    const result = await extractPdf(await pdfBytes(PAGES, { outline: true }), opts);
    if (!result.ok) throw new Error(result.reason);
    const { text, headings } = result.value;
    expect(headings).toEqual(PAGES.map((p) => ({ level: 1, title: p.title, start: text.indexOf(p.title) })));
  });

  it('has no headings without bookmarks', async () => {
    const result = await extractPdf(await pdfBytes(PAGES, { outline: false }), opts);
    expect(result.ok && result.value.headings).toEqual([]);
  });

  it('fails an encrypted PDF, saying it needs a password', async () => {
    const result = await extractPdf(await pdfBytes(PAGES, { outline: false, userPassword: 'pw' }), opts);
    expect(result).toEqual({ ok: false, status: 'failed', reason: 'encrypted: the PDF needs a password' });
  });

  it('fails a PDF cut short, even where pdf.js could rebuild some of it', async () => {
    const whole = await pdfBytes(PAGES, { outline: false });
    for (const share of [0.5, 0.97]) {
      const result = await extractPdf(whole.subarray(0, Math.floor(whole.length * share)), opts);
      expect(result).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^damaged: the PDF is cut short/) });
    }
  });

  it('fails a file with a PDF header and end marker but nothing readable between', async () => {
    const result = await extractPdf(Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(100) + '\n%%EOF\n'), opts);
    expect(result).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^damaged: the PDF cannot be read/) });
  });

  it('fails a file that is not a PDF at all', async () => {
    const result = await extractPdf(Buffer.from('<html>not a pdf</html>'), opts);
    expect(result).toMatchObject({ ok: false, status: 'failed', reason: expect.stringMatching(/^damaged: this is not a PDF/) });
  });

  it('fails a PDF with no text layer, saying Hearth does not read images yet', async () => {
    const result = await extractPdf(await scannedPdf(), opts);
    expect(result).toMatchObject({
      ok: false,
      status: 'failed',
      reason: expect.stringMatching(/^no text layer; Hearth does not read images yet/),
    });
  });

  it('skips a PDF whose text passes the character cap, and stops reading there', async () => {
    const seen: number[] = [];
    const result = await extractPdf(await pdfBytes(PAGES, { outline: false }), { maxChars: 60, onPage: (n) => seen.push(n) });
    expect(result).toMatchObject({ ok: false, status: 'skipped', reason: 'too much text: over 60 characters' });
    expect(seen).toEqual([1]);
  });

  it('reports each page and stops at the page where it is aborted, throwing CANCELLED', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ title: `Page ${i + 1}`, paragraphs: ['text'] }));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = extractPdf(await pdfBytes(many, { outline: false }), {
      ...opts,
      signal: controller.signal,
      onPage: (n, total) => {
        seen.push(n);
        expect(total).toBe(40);
        if (n === 3) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'CANCELLED');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('passes on the AppError the caller aborted with', async () => {
    const controller = new AbortController();
    controller.abort(new AppError('CANCELLED', 'The collection was deleted.'));
    await expect(extractPdf(await pdfBytes(PAGES, { outline: false }), { ...opts, signal: controller.signal })).rejects.toThrow(
      'The collection was deleted.',
    );
  });
});
