import { AppError } from '../../../shared/errors';
import type { DocumentView } from '../../../shared/rag';
import type { DocumentText } from './documentTexts';

/** Characters shown on each side of a passage in a document without pages, and the most a page may show. */
export const VIEW_MARGIN = 1500;
export const MAX_VIEW = 20_000;

/**
 * The text the citation viewer shows for a passage at [charStart, charEnd) of a document's extracted text: the
 * whole page it starts on (PDF), or a window around it cut at line breaks; with the passage's place in that text.
 */
export function viewOf(doc: DocumentText, charStart: number, charEnd: number): DocumentView {
  if (doc.text === null) {
    const why = doc.status === 'indexed' ? 'its text is missing' : doc.reason ? `${doc.status}: ${doc.reason}` : `it is ${doc.status}`;
    throw new AppError('NOT_FOUND', `${doc.fileName} has no text to show (${why}). It is at ${doc.path}.`);
  }
  const text = doc.text;
  const start = clamp(Math.min(charStart, charEnd), 0, text.length);
  const end = clamp(Math.max(charStart, charEnd), start, text.length);
  let from: number;
  let to: number;
  let page: number | null = null;
  if (doc.pages) {
    const i = pageIndexAt(doc.pages, start);
    const p = doc.pages[i]!;
    page = p.page;
    from = clamp(p.start, 0, text.length);
    to = clamp(doc.pages[i + 1]?.start ?? text.length, from, text.length);
  } else {
    from = lineStartAfter(text, start - VIEW_MARGIN, start);
    to = lineEndBefore(text, end + VIEW_MARGIN, end);
  }
  // A page (or a document with no line breaks) can be huge: show the part around the passage.
  if (to - from > MAX_VIEW) {
    const room = Math.max(0, MAX_VIEW - (end - start));
    from = Math.max(from, start - Math.floor(room / 2));
    to = Math.min(to, Math.max(end, from + MAX_VIEW));
  }
  // Never cut between the halves of a surrogate pair (an emoji at the edge would turn into a replacement character).
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from -= 1;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to += 1;
  return {
    documentId: doc.id,
    path: doc.path,
    fileName: doc.fileName,
    page,
    pages: doc.pages ? doc.pages.length : null,
    text: text.slice(from, to),
    highlight: { start: clamp(start - from, 0, to - from), end: clamp(end - from, 0, to - from) },
  };
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

const clamp = (n: number, lo: number, hi: number): number => Math.min(Math.max(n, lo), hi);

/** The page a character offset falls on: the last page that starts at or before it (the first page if none does). */
function pageIndexAt(pages: readonly { start: number }[], offset: number): number {
  let found = 0;
  for (let i = 0; i < pages.length; i++) if (pages[i]!.start <= offset) found = i;
  return found;
}

/** The start of the first line that begins at or after `at` (and at or before `limit`), else `at` itself. */
function lineStartAfter(text: string, at: number, limit: number): number {
  if (at <= 0) return 0;
  const nl = text.indexOf('\n', at - 1);
  return nl >= 0 && nl + 1 <= limit ? nl + 1 : at;
}

/** The end of the last line that ends at or before `at` (and at or after `limit`), else `at` itself. */
function lineEndBefore(text: string, at: number, limit: number): number {
  if (at >= text.length) return text.length;
  const nl = text.lastIndexOf('\n', at);
  return nl >= limit ? nl : at;
}
