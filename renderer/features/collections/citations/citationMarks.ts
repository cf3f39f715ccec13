import type { Element, ElementContent, Root, Text } from 'hast';

/** The element a `[n]` marker becomes; MarkdownBlock renders it with CitationRef. Markdown never makes a `<cite>`. */
export const CITATION_TAG = 'cite';

/** `[1]`, `[12]`, `[1, 2]`, `[1; 3]`: numbers up to 999 in brackets, as a model cites. */
const MARKS = /\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]/g;

/** Where a marker may not be read as one: code, links, footnote calls, typeset math. */
const SKIP_TAGS = new Set(['code', 'pre', 'a', 'kbd', 'sup', 'script', 'style']);
const SKIP_CLASSES = ['katex', 'katex-display', 'katex-error'];

export type TextPart = { text: string } | { n: number };

/** Splits text at its citation markers: "see [1, 2]." -> "see ", 1, 2, "." (a marker of several numbers, each). */
export function splitCitationMarks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKS)) {
    const at = m.index;
    if (at > last) parts.push({ text: text.slice(last, at) });
    for (const n of m[1]!.split(/\s*[,;]\s*/)) {
      const value = Number(n);
      if (value > 0) parts.push({ n: value });
      else parts.push({ text: `[${n}]` });
    }
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

const skipped = (el: Element): boolean => {
  if (SKIP_TAGS.has(el.tagName)) return true;
  const classes = el.properties.className;
  return Array.isArray(classes) && classes.some((c) => SKIP_CLASSES.includes(String(c)));
};

function mark(parent: Root | Element): void {
  const out: (Root['children'][number] | ElementContent)[] = [];
  let changed = false;
  for (const node of parent.children) {
    if (node.type === 'element') {
      if (!skipped(node)) mark(node);
      out.push(node);
      continue;
    }
    if (node.type !== 'text' || !node.value.includes('[')) {
      out.push(node);
      continue;
    }
    const parts = splitCitationMarks(node.value);
    if (parts.length === 1 && 'text' in parts[0]!) {
      out.push(node);
      continue;
    }
    changed = true;
    for (const p of parts) {
      if ('text' in p) out.push({ type: 'text', value: p.text } satisfies Text);
      else
        out.push({
          type: 'element',
          tagName: CITATION_TAG,
          properties: { dataCitation: p.n },
          children: [{ type: 'text', value: `[${p.n}]` }],
        });
    }
  }
  if (changed) parent.children = out as typeof parent.children;
}

/**
 * Turns each `[n]` in an answer's text into a citation element. Which numbers are real sources is not known here
 * (the rendered tree is cached by text alone): CitationRef renders a marker with no source behind it as the text
 * it was.
 */
export function rehypeCitationMarks() {
  return (tree: Root): void => {
    mark(tree);
  };
}

/** The number a citation element carries, or null for any other element. */
export function citationNumber(node: Element | undefined): number | null {
  if (!node || node.tagName !== CITATION_TAG) return null;
  const n = Number(node.properties.dataCitation);
  return Number.isInteger(n) && n > 0 ? n : null;
}
