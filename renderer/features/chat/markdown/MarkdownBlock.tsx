import type { Element, ElementContent, Root, RootContent } from 'hast';
import { type ComponentProps, createContext, memo, type ReactElement, useContext } from 'react';
import Markdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { CITATION_TAG, citationNumber, rehypeCitationMarks } from '../../collections/citations/citationMarks';
import { CitationRef } from '../../collections/citations/CitationRef';
import { CodeBlock } from './CodeBlock';
import { normalizeMath } from './mathDelimiters';
import { rehypeKatex } from './rehypeKatex';
import { safeHref } from './safeUrl';

/**
 * One Markdown block of model output, rendered with react-markdown. Model output is untrusted:
 * - no raw HTML: without rehype-raw, react-markdown turns every piece of HTML into text;
 * - only absolute http(s) links are links, opening in a new window (in the desktop app, the window's open
 *   handler sends them to the system browser); every other link is its text;
 * - no image is fetched: an image shows as a link to its address (or its alt text alone, if the address is not
 *   http(s));
 * - KaTeX runs untrusted (see rehypeKatex.ts);
 * - `[n]` outside code and links is a citation marker: a button to its source when the answer has one with that
 *   number (CitationRef), its text otherwise.
 */
export const MarkdownBlock = memo(function MarkdownBlock({ text, cursor }: { text: string; cursor: boolean }) {
  return <div className="md-block">{cursor ? render(text, LIVE) : cached(text)}</div>;
});

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm, remarkMath];
const rehypePlugins: Options['rehypePlugins'] = [rehypeKatex, rehypeCitationMarks];
const LIVE: Options['rehypePlugins'] = [...rehypePlugins, rehypeCursor];

/** A link's content may not hold another link: an image inside a link shows as text. */
const InLink = createContext(false);

function Link({ href, children }: ComponentProps<'a'> & ExtraProps) {
  const safe = safeHref(href);
  if (!safe) return <span className="md-link-off">{children}</span>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer" title={safe}>
      <InLink value={true}>{children}</InLink>
    </a>
  );
}

function Image({ src, alt }: ComponentProps<'img'> & ExtraProps) {
  const inLink = useContext(InLink);
  const safe = typeof src === 'string' ? safeHref(src) : null;
  const label = alt?.trim() || 'image';
  if (!safe) return <span className="md-image">[{label}]</span>;
  const inner = (
    <>
      <span className="md-image-tag">Image</span>
      {label} <span className="md-image-url">{safe}</span>
    </>
  );
  if (inLink) return <span className="md-image">{inner}</span>;
  return (
    <a className="md-image" href={safe} target="_blank" rel="noopener noreferrer" title={safe}>
      {inner}
    </a>
  );
}

function Pre({ node, children }: ComponentProps<'pre'> & ExtraProps) {
  const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return <pre>{children}</pre>;
  const classes = code.properties.className;
  const lang = Array.isArray(classes)
    ? classes
        .map(String)
        .find((c) => c.startsWith('language-'))
        ?.slice('language-'.length)
    : undefined;
  return <CodeBlock code={textOf(code).replace(/\n$/, '')} lang={lang} />;
}

function Table({ children }: ComponentProps<'table'> & ExtraProps) {
  return (
    <div className="md-table">
      <table>{children}</table>
    </div>
  );
}

function Cite({ node, children }: ComponentProps<'cite'> & ExtraProps) {
  const n = citationNumber(node);
  return n === null ? <cite>{children}</cite> : <CitationRef n={n} />;
}

const components: Components = { a: Link, img: Image, pre: Pre, table: Table, [CITATION_TAG]: Cite };

function render(text: string, plugins: Options['rehypePlugins']): ReactElement {
  return Markdown({ children: normalizeMath(text), remarkPlugins, rehypePlugins: plugins, components });
}

const CACHE_MAX = 500;
const cache = new Map<string, ReactElement>();

/**
 * Finished blocks by their text: a message that is opened again, or scrolled back into a virtual list, reuses the
 * elements instead of parsing again. Elements are immutable descriptions, so sharing them is safe.
 */
function cached(text: string): ReactElement {
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const made = render(text, rehypePlugins);
  cache.set(text, made);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return made;
}

function textOf(node: Element | ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

const INTO = new Set(['p', 'li', 'ul', 'ol', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** While a block streams, the cursor goes at the end of its last paragraph, list item or heading. */
function rehypeCursor() {
  return (tree: Root): void => {
    let parent: Root | Element = tree;
    for (;;) {
      const last: RootContent | undefined = parent.children.findLast((c: RootContent) => c.type !== 'text' || c.value.trim() !== '');
      if (last?.type === 'element' && INTO.has(last.tagName)) parent = last;
      else break;
    }
    const cursor: Element = { type: 'element', tagName: 'span', properties: { className: ['cursor'], ariaHidden: 'true' }, children: [] };
    parent.children.push(cursor);
  };
}
