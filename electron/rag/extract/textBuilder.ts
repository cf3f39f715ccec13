import type { ExtractedHeading, ExtractedText } from '../ports';

/** Whitespace between two runs of text, weakest first: a stronger one wins when several meet. */
const GAPS = ['', ' ', '\t', '\n', '\n\n'] as const;
type Gap = (typeof GAPS)[number];
const MAX_TITLE = 200;

/**
 * Builds a document's text from a walk over its structure (HTML, and Word through mammoth's HTML): runs of text
 * joined by the strongest whitespace asked for between them, never leading or trailing whitespace, and headings
 * recorded at the offset where their first character lands.
 */
export class TextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private gap: Gap = '';
  /** The heading being written: its level, where it starts once its first text lands, and its text so far. */
  private heading: { level: number; start: number | null; title: string } | null = null;
  private readonly headings: ExtractedHeading[] = [];

  /** Asks for at least `gap` before the next text. */
  separate(gap: Exclude<Gap, ''>): void {
    if (GAPS.indexOf(gap) > GAPS.indexOf(this.gap)) this.gap = gap;
  }

  /** The text from here to `endHeading` is a heading; its title is that text. */
  startHeading(level: number): void {
    this.heading = { level, start: null, title: '' };
  }

  /** Records the heading begun by `startHeading`; one that held no text records nothing. */
  endHeading(): void {
    const h = this.heading;
    this.heading = null;
    if (h?.start == null) return;
    const title = h.title.split(/\s+/).join(' ').trim();
    if (title !== '') this.headings.push({ level: h.level, title, start: h.start });
  }

  /** Text whose whitespace runs collapse to one space, as a browser shows it. */
  flowText(raw: string): void {
    const words = raw.split(/[ \t\n\r\f]+/);
    words.forEach((word, i) => {
      if (i > 0) this.separate(' ');
      if (word !== '') this.write(word);
    });
  }

  /** Text whose whitespace is kept (a `<pre>` block). */
  preformatted(raw: string): void {
    if (raw !== '') this.write(raw);
  }

  finish(): ExtractedText {
    this.endHeading();
    return { text: this.parts.join(''), pages: null, headings: this.headings };
  }

  private write(s: string): void {
    if (this.length > 0 && this.gap !== '') this.push(this.gap);
    const h = this.heading;
    if (h) {
      if (h.start === null) h.start = this.length;
      else if (this.gap !== '') h.title += ' ';
      // A title is for a heading path: a heading that runs on for pages keeps only its first words.
      if (h.title.length < MAX_TITLE) h.title += s.slice(0, MAX_TITLE - h.title.length);
    }
    this.gap = '';
    this.push(s);
  }

  private push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
}
