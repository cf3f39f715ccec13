/**
 * Gets model output's math ready for remark-math, which reads only `$...$` and `$$...$$`:
 * - the LaTeX forms `\(...\)` and `\[...\]` that many models write become dollar forms (CommonMark would read
 *   `\(` and `\[` as escaped brackets and show plain brackets);
 * - a single `$` that cannot be math by Pandoc's rule (the opener is followed by a space, or the closer is preceded
 *   by a space or followed by a digit) is escaped, so "$5 and $10" stays money rather than becoming "5 and " in math.
 * Code is left alone: fenced blocks and inline code spans keep their text, and an escaped backslash (`\\[`) stays
 * a backslash followed by a bracket.
 */
export function normalizeMath(text: string): string {
  if (!text.includes('\\(') && !text.includes('\\[') && !text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (atLineStart(text, i)) {
      const fenceEnd = fencedBlockEnd(text, i);
      if (fenceEnd !== null) {
        out += text.slice(i, fenceEnd);
        i = fenceEnd;
        continue;
      }
    }
    if (ch === '`') {
      const run = runLength(text, i, '`');
      const close = closingRun(text, i + run, run);
      const end = close === null ? i + run : close + run;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '$') {
      if (text[i + 1] === '$') {
        out += '$$';
        i += 2;
        continue;
      }
      const close = dollarClose(text, i);
      out += close === null ? '\\$' : text.slice(i, close + 1);
      i = close === null ? i + 1 : close + 1;
      continue;
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === '(' || next === '[') {
        const close = mathClose(text, i + 2, next === '(' ? ')' : ']');
        if (close !== null) {
          const body = text.slice(i + 2, close);
          out += next === '(' ? `$${body}$` : displayMath(text, i, close + 2, body);
          i = close + 2;
          continue;
        }
      }
      // Any other escape (`\\`, `` \` ``, `\$`) is kept whole, so its second character starts nothing.
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** The `$` that closes single-dollar math opened at `open`, by Pandoc's rule, or null if this `$` opens none. */
function dollarClose(text: string, open: number): number | null {
  if (/\s/.test(text[open + 1] ?? ' ')) return null;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '\n' && /^\n[ \t]*(\n|$)/.test(text.slice(i, i + 80))) return null;
    else if (ch === '$') return /\s/.test(text[i - 1]!) || /\d/.test(text[i + 1] ?? '') || text[i + 1] === '$' ? null : i;
  }
  return null;
}

function atLineStart(text: string, i: number): boolean {
  return i === 0 || text[i - 1] === '\n';
}

function runLength(text: string, i: number, ch: string): number {
  let n = 0;
  while (text[i + n] === ch) n++;
  return n;
}

/** Where the next run of exactly `run` backticks starts (a code span's end), or null when there is none. */
function closingRun(text: string, from: number, run: number): number | null {
  let i = from;
  while (i < text.length) {
    const at = text.indexOf('`', i);
    if (at === -1) return null;
    const n = runLength(text, at, '`');
    if (n === run) return at;
    i = at + n;
  }
  return null;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})/;

/** If a fence opens at this line, where its block ends (after the closing line, or at the end of the text). */
function fencedBlockEnd(text: string, lineStart: number): number | null {
  const firstEnd = lineEndAt(text, lineStart);
  const open = FENCE_OPEN.exec(text.slice(lineStart, firstEnd));
  if (!open) return null;
  const fence = open[1]!;
  if (fence[0] === '`' && text.slice(lineStart + open[0].length, firstEnd).includes('`')) return null;
  let pos = firstEnd + 1;
  while (pos <= text.length) {
    const end = lineEndAt(text, pos);
    if (isFenceClose(text.slice(pos, end), fence)) return Math.min(end + 1, text.length);
    pos = end + 1;
  }
  return text.length;
}

function lineEndAt(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end === -1 ? text.length : end;
}

/** A closing fence: the opening character, at least as many times, and nothing after it but spaces. */
export function isFenceClose(line: string, fence: string): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*\r?$/.exec(line);
  return !!m && m[1]![0] === fence[0] && m[1]!.length >= fence.length;
}

/** The index of the `\)` or `\]` that closes math opened just before `from`, within one paragraph. */
function mathClose(text: string, from: number, bracket: ')' | ']'): number | null {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      if (text[i + 1] === bracket) return i;
      i += 2; // `\\` is a LaTeX line break, `\{` a brace: neither closes
      continue;
    }
    if (ch === '\n' && /^\n[ \t]*(\n|$)/.test(text.slice(i, i + 80))) return null; // a blank line ends the paragraph
    i++;
  }
  return null;
}

/**
 * `\[...\]` alone on its lines becomes a `$$` block on lines of its own, indented as it was (inside a list item,
 * say); anywhere else it becomes `$$...$$` in the line.
 */
function displayMath(text: string, open: number, after: number, body: string): string {
  const lineStart = text.lastIndexOf('\n', open - 1) + 1;
  const indent = text.slice(lineStart, open);
  const rest = text.slice(after, lineEndAt(text, after));
  if (/^[ \t]*$/.test(indent) && /^[ \t]*\r?$/.test(rest)) {
    const lines = body.trim().split('\n');
    return ['$$', ...lines.map((l) => `${indent}${l.trimStart()}`), `${indent}$$`].join('\n');
  }
  return `$$${body}$$`;
}
