import { isFenceClose } from './mathDelimiters';

/**
 * A message's text cut into Markdown blocks: finished ones, which no later text can change, and the one live
 * block at the end that is still being written. While an answer streams only the live block is parsed again;
 * finished blocks keep their strings (and so their rendered elements).
 */
export interface Blocks {
  /** The text these blocks were cut from. */
  readonly text: string;
  /** Finished blocks, in order. */
  readonly done: readonly string[];
  /** Where the live block starts in `text`. */
  readonly liveStart: number;
  /** The rest of the text after the finished blocks (may be empty). */
  readonly live: string;
}

const EMPTY: Blocks = { text: '', done: [], liveStart: 0, live: '' };
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLANK = /^[ \t]*\r?$/;

/**
 * Cuts `text` into blocks. A block ends at a blank line outside a code fence or display math, unless what comes
 * next still belongs to it (an indented line, or the next item of a list); the cut is made only once the text
 * after the blank line shows which, so a finished block never changes as more text arrives. Pass the previous
 * result for the same growing text: only its live block is scanned again.
 *
 * Cutting is safe for rendering because it errs towards joining: a construct the scanner does not know (an HTML
 * block, say) may end up split where CommonMark would split it too, but never split where CommonMark would not.
 * Link reference definitions and footnotes only resolve inside their own block.
 */
export function splitBlocks(text: string, previous: Blocks = EMPTY): Blocks {
  const resume = previous.liveStart > 0 && text.startsWith(previous.text);
  const done = resume ? [...previous.done] : [];
  let start = resume ? previous.liveStart : skipBlankLines(text, 0);
  for (;;) {
    const cut = findCut(text, start);
    if (cut === null) break;
    done.push(text.slice(start, cut.end));
    start = cut.next;
  }
  const same = resume && done.length === previous.done.length;
  return { text, done: same ? previous.done : done, liveStart: start, live: text.slice(start) };
}

/** Where the block starting at `start` ends (`end`) and the next one starts (`next`), or null if it is still live. */
function findCut(text: string, start: number): { end: number; next: number } | null {
  let fence: string | null = null;
  let math: '$$' | '\\]' | null = null;
  let list = false;
  let pos = start;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return null; // an unfinished line: the block is live
    const line = text.slice(pos, nl);
    if (fence !== null) {
      if (isFenceClose(line, fence)) fence = null;
    } else if (math !== null) {
      if (line.includes(math)) math = null;
    } else if (BLANK.test(line)) {
      const next = skipBlankLines(text, nl + 1);
      const verdict = continues(text, next, list);
      if (verdict === undefined) return null;
      if (!verdict) return { end: pos, next };
      pos = next;
      continue;
    } else {
      const open = FENCE_OPEN.exec(line);
      if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) fence = open[1]!;
      else math = mathOpens(line);
      if (LIST_ITEM.test(line)) list = true;
    }
    pos = nl + 1;
  }
  return null;
}

/** Display math that opens on this line and does not close on it. */
function mathOpens(line: string): '$$' | '\\]' | null {
  const t = line.trimStart();
  if (t.startsWith('$$') && !t.slice(2).includes('$$')) return '$$';
  if (t.startsWith('\\[') && !t.includes('\\]')) return '\\]';
  return null;
}

/**
 * Whether the line at `pos`, after a blank line, continues the block: true, false, or undefined while too little
 * of it has arrived to tell.
 */
function continues(text: string, pos: number, list: boolean): boolean | undefined {
  if (pos >= text.length) return undefined;
  const nl = text.indexOf('\n', pos);
  const line = text.slice(pos, nl === -1 ? text.length : nl);
  // An indented line belongs to the list item or indented code above; wait for a character that is not a space.
  if (line[0] === ' ' || line[0] === '\t') return /\S/.test(line) ? true : undefined;
  if (!list) return false;
  if (LIST_ITEM.test(line)) return true;
  // Not yet a list item, but it may become one: `-`, `12` or `3.` with the rest still to come.
  if (nl === -1 && /^(?:[-*+]|\d{1,9}[.)]?)$/.test(line)) return undefined;
  return false;
}

function skipBlankLines(text: string, pos: number): number {
  let p = pos;
  for (;;) {
    const nl = text.indexOf('\n', p);
    if (nl === -1 || !BLANK.test(text.slice(p, nl))) return p;
    p = nl + 1;
  }
}
