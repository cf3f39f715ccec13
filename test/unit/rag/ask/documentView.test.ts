import { describe, expect, it } from 'vitest';
import type { DocumentText } from '../../../../electron/rag/ask/documentTexts';
import { MAX_VIEW, VIEW_MARGIN, viewOf } from '../../../../electron/rag/ask/documentView';

const doc = (text: string, over: Partial<DocumentText> = {}): DocumentText => ({
  id: 'd',
  collectionId: 'c',
  path: '/docs/report.pdf',
  fileName: 'report.pdf',
  status: 'indexed',
  reason: null,
  text,
  pages: null,
  ...over,
});

/** What the viewer marks. */
const marked = (v: { text: string; highlight: { start: number; end: number } }): string => v.text.slice(v.highlight.start, v.highlight.end);

describe('the citation viewer', () => {
  const pageTexts = ['Cover page.\n', 'Introduction: the kiln.\n', 'Results: 1,280 degrees held for an hour.\n', 'Appendix.'];
  const pdf = doc(pageTexts.join(''), {
    pages: pageTexts.map((_, i) => ({ page: i + 1, start: pageTexts.slice(0, i).join('').length })),
  });

  it('shows the page of a PDF the passage is on, with the passage marked', () => {
    const start = pdf.text!.indexOf('1,280');
    const v = viewOf(pdf, start, start + 'degrees'.length + 6);
    expect(v).toMatchObject({ documentId: 'd', path: '/docs/report.pdf', fileName: 'report.pdf', page: 3, pages: 4 });
    expect(v.text).toBe('Results: 1,280 degrees held for an hour.\n');
    expect(marked(v)).toBe('1,280 degrees');
  });

  it('marks only the part of a passage that runs onto the next page', () => {
    const v = viewOf(pdf, pdf.text!.indexOf('an hour'), pdf.text!.indexOf('Appendix') + 3);
    expect(v.page).toBe(3);
    expect(marked(v)).toBe('an hour.\n');
  });

  it('shows a window around the passage, cut at line breaks, in a document without pages', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    const text = lines.join('\n');
    const start = text.indexOf('line 200 ');
    const v = viewOf(doc(text, { path: '/docs/a.md', fileName: 'a.md' }), start, start + 8);
    expect(v.page).toBeNull();
    expect(v.pages).toBeNull();
    expect(marked(v)).toBe('line 200');
    expect(v.text.startsWith('line ')).toBe(true);
    expect(v.text.endsWith('x')).toBe(true);
    expect(v.text.length).toBeLessThanOrEqual(2 * VIEW_MARGIN + 8);
    expect(v.text.length).toBeGreaterThan(2 * VIEW_MARGIN - 2 * 40);
  });

  it('keeps a huge page to a window around the passage', () => {
    const text = 'y'.repeat(100_000);
    const v = viewOf(doc(text, { pages: [{ page: 1, start: 0 }] }), 60_000, 60_100);
    expect(v.text.length).toBe(MAX_VIEW);
    expect(v.highlight.end - v.highlight.start).toBe(100);
  });

  it('clamps offsets outside the text and swaps reversed ones', () => {
    const v = viewOf(doc('short text'), 50, 2);
    expect(marked(v)).toBe('ort text');
    expect(viewOf(doc('short text'), 900, 1000).highlight).toEqual({ start: 10, end: 10 });
  });

  it('never cuts an emoji in half at the edge of the window', () => {
    const text = `${'a'.repeat(VIEW_MARGIN - 1)}😀${'b'.repeat(VIEW_MARGIN * 3)}`;
    const start = VIEW_MARGIN * 2;
    const v = viewOf(doc(text), start, start + 1);
    // The window would start on the emoji's second half: it starts on the whole emoji instead.
    expect(v.text.startsWith('😀b')).toBe(true);
    expect(marked(v)).toBe('b');
  });

  it('says why a document that failed has no text, and where the file is', () => {
    expect(() => viewOf(doc('', { text: null, status: 'failed', reason: 'encrypted: it needs a password' }), 0, 1)).toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: 'report.pdf has no text to show (failed: encrypted: it needs a password). It is at /docs/report.pdf.',
      }),
    );
  });
});
