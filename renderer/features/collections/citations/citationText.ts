import type { Citation } from '../../../../shared/rag';

/** "notes.md", "report.pdf, page 3": where a passage is, as the source list and the [n] popover say it. */
export function citationPlace(c: Pick<Citation, 'fileName' | 'page'>): string {
  return c.page !== null ? `${c.fileName}, page ${c.page}` : c.fileName;
}

/** The [n] button's name for a screen reader: "Source 2: report.pdf, page 3". */
export function citationLabel(c: Pick<Citation, 'n' | 'fileName' | 'page'>): string {
  return `Source ${c.n}: ${citationPlace(c)}`;
}

/** A snippet cut to a length a popover holds, at a word, with an ellipsis when cut. */
export function shortSnippet(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Splits a viewed text at the highlight, clamped to the text, so the passage can be marked without HTML. */
export function splitAtHighlight(text: string, start: number, end: number): { before: string; passage: string; after: string } {
  const s = Math.max(0, Math.min(text.length, start));
  const e = Math.max(s, Math.min(text.length, end));
  return { before: text.slice(0, s), passage: text.slice(s, e), after: text.slice(e) };
}
