import { parseHTML } from 'linkedom';
import type { ExtractedText } from '../ports';
import { TextBuilder } from './textBuilder';

/** The little of a DOM node the walk reads (linkedom's own types need the DOM library, which main does not load). */
interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?: (name: string) => string | null;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** Never shown as text: code, styling, metadata, embedded objects and form option lists. */
const DROPPED = new Set(
  (
    'script style noscript template head title meta link base iframe frame frameset object embed applet svg canvas ' +
    'audio video img picture select datalist option input textarea'
  ).split(' '),
);
/** Start a paragraph: a blank line before and after. */
const PARAGRAPHS = new Set(
  (
    'p h1 h2 h3 h4 h5 h6 pre blockquote table ul ol dl figure hr ' +
    'section article aside header footer main nav address fieldset details form'
  ).split(' '),
);
/** Start a line. */
const LINES = new Set(['div', 'li', 'tr', 'dt', 'dd', 'br', 'caption', 'figcaption', 'summary', 'legend', 'thead', 'tbody', 'tfoot']);
const CELLS = new Set(['td', 'th']);
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

function isHidden(el: DomNode): boolean {
  const attr = (name: string): string | null => el.getAttribute?.(name) ?? null;
  return attr('hidden') !== null || attr('aria-hidden') === 'true' || HIDDEN_STYLE.test(attr('style') ?? '');
}

/**
 * linkedom's parse time grows with the square of the nesting depth (20,000 levels: about a second) and its memory
 * with the element count (each element keeps a WeakMap entry for its listeners, which the garbage collector pays
 * for: measured here, 160,000 elements took 2.8 s and 370 MB). Pages past these limits are refused before parsing.
 * The count, not the byte size, is what costs: inline images and scripts are one attribute or text node each.
 */
export const MAX_HTML_DEPTH = 10_000;
export const MAX_HTML_ELEMENTS = 250_000;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * How many tags a page has and how deep they nest, from the tags alone (no parse). Tags inside scripts count too:
 * a rough measure, for limits far above real pages. `[^<>]*` ends each match at the next angle bracket, so hostile
 * text costs its length.
 */
export function htmlShape(html: string): { depth: number; elements: number } {
  let depth = 0;
  let max = 0;
  let elements = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^<>]*)>/g)) {
    if (m[1] === '/') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    elements++;
    if (!VOID.has(m[2]!.toLowerCase()) && !m[3]!.endsWith('/')) max = Math.max(max, ++depth);
  }
  return { depth: max, elements };
}

/** Why a page is not parsed, or null when it may be. */
export function htmlRefusal(html: string): string | null {
  const shape = htmlShape(html);
  if (shape.depth > MAX_HTML_DEPTH) return `too deeply nested: its elements nest over ${MAX_HTML_DEPTH.toLocaleString('en-US')} deep`;
  if (shape.elements > MAX_HTML_ELEMENTS) return `too big: over ${MAX_HTML_ELEMENTS.toLocaleString('en-US')} HTML elements`;
  return null;
}

/**
 * The text a reader sees in an HTML page: scripts, styles, the head, hidden elements (`hidden`, `aria-hidden`, an
 * inline `display: none`) and embedded objects dropped; blocks on lines of their own; h1-h6 as headings. The walk
 * starts at the document, not `document.body`: linkedom is no HTML5 parser and puts a fragment without `<html>`
 * and `<body>` (a saved snippet, plain text) outside the body it makes up. The walk keeps its own stack, so a deep
 * page cannot overflow the call stack. Check `htmlRefusal` first.
 */
export function extractHtml(html: string): ExtractedText {
  const { document } = parseHTML(html);
  const out = new TextBuilder();
  walk(document, out);
  return out.finish();
}

function walk(root: DomNode, out: TextBuilder): void {
  type Step = { node: DomNode; exit: boolean; pre: boolean };
  const stack: Step[] = [{ node: root, exit: false, pre: false }];
  while (stack.length > 0) {
    const { node, exit, pre } = stack.pop()!;
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      if (pre) out.preformatted(node.nodeValue ?? '');
      else out.flowText(node.nodeValue ?? '');
      continue;
    }
    if (node.nodeType !== ELEMENT && node !== root) continue;
    const tag = node.nodeName.toLowerCase();
    if (exit) {
      closeElement(tag, out);
      continue;
    }
    if (DROPPED.has(tag) || (node.nodeType === ELEMENT && isHidden(node))) continue;
    openElement(tag, out);
    stack.push({ node, exit: true, pre });
    const inPre = pre || tag === 'pre';
    // Read `childNodes` once: linkedom builds the list anew on each access.
    const children = Array.from(node.childNodes);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, exit: false, pre: inPre });
  }
}

function openElement(tag: string, out: TextBuilder): void {
  if (PARAGRAPHS.has(tag)) out.separate('\n\n');
  else if (LINES.has(tag)) out.separate('\n');
  const level = /^h([1-6])$/.exec(tag)?.[1];
  if (level) out.startHeading(Number(level));
}

function closeElement(tag: string, out: TextBuilder): void {
  if (/^h[1-6]$/.test(tag)) out.endHeading();
  if (PARAGRAPHS.has(tag)) out.separate('\n\n');
  else if (LINES.has(tag)) out.separate('\n');
  else if (CELLS.has(tag)) out.separate('\t');
}
