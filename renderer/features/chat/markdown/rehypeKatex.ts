import type { Element, ElementContent, Root } from 'hast';
import { fromDom } from 'hast-util-from-dom';
import katex, { type KatexOptions } from 'katex';

/**
 * Typesets remark-math's formulas with KaTeX, as rehype-katex does, but without parsing HTML. rehype-katex turns
 * KaTeX's HTML string into a tree with the browser's HTML parser, and the page's CSP (style-src 'self', no
 * 'unsafe-inline') reports every `style` attribute that parser meets: one console error per formula. KaTeX's own
 * `render` builds DOM nodes and sets their styles through the CSSOM, which the CSP allows; those detached nodes
 * are then read back into a tree for React.
 *
 * KaTeX runs untrusted: `trust: false` (no `\href`, `\url`, `\includegraphics`, `\html*`), with limits on size
 * and macro expansion, and errors shown in place.
 */
export function rehypeKatex() {
  return (tree: Root): void => {
    replaceMath(tree);
  };
}

const OPTIONS: KatexOptions = {
  throwOnError: false,
  strict: 'ignore',
  trust: false,
  maxSize: 20,
  maxExpand: 1000,
  output: 'htmlAndMathml',
};

function replaceMath(parent: Root | Element): void {
  for (let i = 0; i < parent.children.length; i++) {
    const node = parent.children[i]!;
    if (node.type !== 'element') continue;
    const math = mathOf(node);
    if (math) {
      parent.children.splice(i, 1, ...typeset(math.tex, math.display));
      continue;
    }
    replaceMath(node);
  }
}

/** remark-math's output: `<code class="language-math math-inline">` in text, `<pre><code class="… math-display">` as a block. */
function mathOf(node: Element): { tex: string; display: boolean } | null {
  const code = node.tagName === 'pre' && node.children.length === 1 ? node.children[0] : node;
  if (code?.type !== 'element' || code.tagName !== 'code') return null;
  const classes = Array.isArray(code.properties.className) ? code.properties.className : [];
  if (!classes.includes('language-math') && !classes.includes('math-inline') && !classes.includes('math-display')) return null;
  return { tex: textOf(code), display: node.tagName === 'pre' || classes.includes('math-display') };
}

function typeset(tex: string, displayMode: boolean): ElementContent[] {
  const host = document.createElement('span');
  try {
    katex.render(tex, host, { ...OPTIONS, displayMode });
  } catch (error) {
    // KaTeX reports parse errors in place itself; anything else shows the source, marked.
    return [
      {
        type: 'element',
        tagName: 'span',
        properties: { className: ['katex-error'], title: String(error) },
        children: [{ type: 'text', value: tex }],
      },
    ];
  }
  const root = fromDom(host);
  return root.type === 'element' ? root.children : [];
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}
