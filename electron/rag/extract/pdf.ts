import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExtractedHeading, ExtractedPage, Extraction } from '../ports';
import { extracted, failed, formatCount, skipped, throwIfCancelled, yieldToLoop } from './outcome';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type OutlineNode = Awaited<ReturnType<PdfDocument['getOutline']>>[number];

let loaded: Promise<{ pdfjs: PdfJs; dataDir: string }> | null = null;

/**
 * pdfjs-dist is ESM only and large: loaded on the first PDF, not at start. Node has no Web Worker, so pdf.js runs
 * its "worker" in this thread, importing the module `workerSrc` names; its default is a path relative to pdf.mjs,
 * which holds only while pdf.mjs is loaded from the package itself, so it is pointed at the package's file. The
 * character maps and standard font metrics ship with the package too: pdf.js needs them to map some fonts' glyphs
 * to text (CJK, fonts that are not embedded).
 */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; dataDir: string }> {
  loaded ??= (async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const dataDir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    pdfjs.GlobalWorkerOptions.workerSrc = pathToFileURL(join(dataDir, 'legacy/build/pdf.worker.mjs')).href;
    return { pdfjs, dataDir };
  })();
  // A failed load (a broken install) is not cached: the next PDF tries again and fails with the same reason.
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}

/**
 * A PDF cut short (an interrupted download or copy) ends without its `%%EOF` marker. pdf.js rebuilds what it can
 * of such a file and reads the pages it finds, so a truncated PDF would index as a few of its pages, silently.
 * Readers look for the marker in the last 1024 bytes (the PDF Reference's implementation note on `%%EOF`).
 */
function endsCleanly(bytes: Uint8Array): boolean {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.length - 1024));
  return tail.includes('%%EOF');
}

const DAMAGED = 'damaged: the PDF cannot be read (it may be incomplete or corrupt); download or save it again';

export interface PdfOptions {
  maxChars: number;
  signal?: AbortSignal | undefined;
  onPage?: ((done: number, pages: number) => void) | undefined;
  /**
   * Called before each page; it may abort the signal (a deadline). A timer alone is not enough: pdf.js may resolve
   * a page in the poll phase, and an immediate queued there runs before the next timers phase.
   */
  checkpoint?: (() => void) | undefined;
}

/**
 * A PDF's text layer, page by page: `pages` says where each page starts in the text, and the outline (bookmarks),
 * when there is one, gives the headings. Fonts are never evaluated as code (`isEvalSupported: false`) and never
 * installed. Between pages the loop yields, so an abort or another request gets its turn during a long document.
 */
export async function extractPdf(bytes: Uint8Array, o: PdfOptions): Promise<Extraction> {
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-')) {
    return failed('damaged: this is not a PDF (it has no PDF header)');
  }
  if (!endsCleanly(bytes)) return failed('damaged: the PDF is cut short (its end is missing); download or save it again');
  const { pdfjs, dataDir } = await loadPdfJs();
  throwIfCancelled(o.signal);
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    cMapUrl: join(dataDir, 'cmaps/'),
    cMapPacked: true,
    standardFontDataUrl: join(dataDir, 'standard_fonts/'),
  });
  const onAbort = (): void => void task.destroy();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let doc: PdfDocument;
    try {
      doc = await task.promise;
    } catch (error) {
      throwIfCancelled(o.signal);
      if (error instanceof Error && error.name === 'PasswordException') return failed('encrypted: the PDF needs a password');
      return failed(DAMAGED);
    }
    const parts: string[] = [];
    const pages: ExtractedPage[] = [];
    let length = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      await yieldToLoop();
      o.checkpoint?.();
      throwIfCancelled(o.signal);
      let pageText: string;
      try {
        pageText = await readPage(doc, n);
      } catch {
        throwIfCancelled(o.signal);
        return failed(`damaged: page ${n} of the PDF cannot be read`);
      }
      if (pageText !== '' && length > 0) {
        parts.push('\n\n');
        length += 2;
      }
      pages.push({ page: n, start: length });
      parts.push(pageText);
      length += pageText.length;
      if (length > o.maxChars) return skipped(`too much text: over ${formatCount(o.maxChars)} characters`);
      o.onPage?.(n, doc.numPages);
    }
    if (doc.numPages === 0) return failed('damaged: the PDF has no pages');
    const text = parts.join('');
    if (text.trim() === '') return failed('no text layer; Hearth does not read images yet (a scanned PDF?)');
    const headings = await outlineHeadings(doc, text, pages).catch(() => []);
    throwIfCancelled(o.signal);
    return extracted({ text, pages, headings });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await task.destroy();
  }
}

/** A page's text: pdf.js's text items in reading order, a line break where pdf.js saw one. */
async function readPage(doc: PdfDocument, n: number): Promise<string> {
  const page = await doc.getPage(n);
  try {
    const content = await page.getTextContent();
    let text = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      text += item.str;
      if (item.hasEOL) text += '\n';
    }
    return text
      .split('\n')
      .map((line) => line.replace(/[ \t]+$/, ''))
      .join('\n')
      .trim();
  } finally {
    page.cleanup();
  }
}

const MAX_OUTLINE = 2000;

/**
 * Bookmarks as headings: each at its title's place on its target page when the title is printed there, else at the
 * page's start. A hostile outline can be huge or point nowhere: at most 2,000 entries, six levels, and an entry
 * whose target cannot be resolved is left out.
 */
async function outlineHeadings(doc: PdfDocument, text: string, pages: ExtractedPage[]): Promise<ExtractedHeading[]> {
  const outline = await doc.getOutline();
  if (!outline) return [];
  const flat: { node: OutlineNode; level: number }[] = [];
  const visit = (nodes: OutlineNode[], level: number): void => {
    for (const node of nodes) {
      if (flat.length >= MAX_OUTLINE) return;
      flat.push({ node, level });
      if (level < 6 && Array.isArray(node.items)) visit(node.items, level + 1);
    }
  };
  visit(outline, 1);
  const headings: ExtractedHeading[] = [];
  for (const { node, level } of flat) {
    const title = node.title.replace(/\s+/g, ' ').trim().slice(0, 200);
    const pageIndex = await destinationPage(doc, node.dest);
    const page = pageIndex === null ? undefined : pages[pageIndex];
    if (title === '' || !page) continue;
    const pageEnd = pages[pageIndex! + 1]?.start ?? text.length;
    const at = text.slice(page.start, pageEnd).indexOf(title);
    headings.push({ level, title, start: at >= 0 ? page.start + at : page.start });
  }
  // Sorted by place, which a heading path needs; bookmarks may be listed in any order.
  return headings.sort((a, b) => a.start - b.start);
}

async function destinationPage(doc: PdfDocument, dest: OutlineNode['dest']): Promise<number | null> {
  try {
    const explicit = typeof dest === 'string' ? await doc.getDestination(dest) : dest;
    const target: unknown = explicit?.[0];
    if (typeof target === 'number') return target;
    if (target && typeof target === 'object' && 'num' in target && 'gen' in target) {
      const { num, gen } = target;
      if (typeof num === 'number' && typeof gen === 'number') return await doc.getPageIndex({ num, gen });
    }
    return null;
  } catch {
    return null;
  }
}
