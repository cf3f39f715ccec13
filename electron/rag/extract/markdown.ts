import type { ExtractedHeading, ExtractedText } from '../ports';

const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
/** Lines that cannot be a setext heading's title: a list item, a quote, a table row, a heading, a fence. */
const NOT_A_TITLE = /^ {0,3}([-*+>|#]|\d+[.)]|`{3}|~{3})/;
const MAX_TITLE = 200;

interface Line {
  text: string;
  start: number;
  /** The first line of a paragraph, which an underline below it makes a heading. */
  paragraph: boolean;
}

/**
 * A Markdown file's text as written (so offsets point into the file itself) and its headings: `#` lines and
 * underlined (setext) titles, but not `#` lines inside fenced code or YAML front matter. Each line is read with
 * anchored patterns that cannot backtrack, so a line of a hundred thousand characters costs its length.
 */
export function extractMarkdown(text: string): ExtractedText {
  const headings: ExtractedHeading[] = [];
  let fence: string | null = null;
  let offset = 0;
  let previous: Line | null = null;
  const lines = text.split('\n');
  let i = 0;
  if (lines[0] === '---') {
    // YAML front matter: metadata, and its closing `---` would otherwise underline its last line as a heading.
    const end = lines.findIndex((line, n) => n > 0 && (line === '---' || line === '...'));
    if (end > 0) {
      for (; i <= end; i++) offset += lines[i]!.length + 1;
    }
  }
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const start = offset;
    offset += line.length + 1;
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && line.trim() === fenceMark) fence = null;
      previous = null;
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      previous = null;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      const title = atxTitle(line.slice(atx[0].length));
      if (title !== '') headings.push({ level: atx[1]!.length, title: title.slice(0, MAX_TITLE), start });
      previous = null;
      continue;
    }
    const underline = SETEXT.exec(line)?.[1];
    if (underline && previous?.paragraph) {
      headings.push({ level: underline[0] === '=' ? 1 : 2, title: previous.text.trim().slice(0, MAX_TITLE), start: previous.start });
      previous = null;
      continue;
    }
    const blank = line.trim() === '';
    // Only a one-line paragraph counts as a setext title here, which keeps a `---` rule under a long paragraph a rule.
    const startsParagraph: boolean = !blank && (previous === null || previous.text.trim() === '');
    previous = {
      text: line,
      start,
      paragraph: startsParagraph && !/^( {4}|\t)/.test(line) && !NOT_A_TITLE.test(line),
    };
  }
  return { text, pages: null, headings };
}

/** The title of a `#` line: without the optional closing run of `#` (which needs a space before it). */
function atxTitle(rest: string): string {
  let end = rest.length;
  while (end > 0 && (rest[end - 1] === ' ' || rest[end - 1] === '\t')) end--;
  let hashes = end;
  while (hashes > 0 && rest[hashes - 1] === '#') hashes--;
  if (hashes < end && (hashes === 0 || rest[hashes - 1] === ' ' || rest[hashes - 1] === '\t')) end = hashes;
  return rest.slice(0, end).trim();
}
