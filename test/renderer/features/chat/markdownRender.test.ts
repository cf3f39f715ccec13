import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownBlock } from '../../../../renderer/features/chat/markdown/MarkdownBlock';

// Server rendering needs no DOM; math needs one (KaTeX builds DOM nodes) and is covered by test/e2e/markdown.test.ts.
const html = (text: string, cursor = false): string => renderToStaticMarkup(createElement(MarkdownBlock, { text, cursor }));

describe('a Markdown block of model output', () => {
  it('renders GitHub-flavoured Markdown: tables, strikethrough, task lists', () => {
    const out = html('| a | b |\n|---|--:|\n| 1 | ~~2~~ |\n\n- [x] done');
    expect(out).toContain('<div class="md-table"><table>');
    expect(out).toContain('<th>a</th>');
    expect(out).toContain('<td style="text-align:right"><del>2</del></td>');
    expect(out).toContain('type="checkbox"');
  });

  it('shows raw HTML as text, never as elements', () => {
    const out = html('<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> <b onclick="x()">b</b>');
    expect(out).not.toMatch(/<(script|img|b)\b/);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('links only absolute http(s) addresses, in a new window without opener or referrer', () => {
    const out = html('[ok](https://example.com/a) [js](javascript:alert(1)) [data](data:text/html,x) [rel](/x) <mailto:a@b.c>');
    expect(out).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer" title="https://example.com/a">ok</a>');
    expect(out.match(/<a /g)).toHaveLength(1);
    expect(out).toContain('<span class="md-link-off">js</span>');
    expect(out).toContain('<span class="md-link-off">data</span>');
    expect(out).toContain('<span class="md-link-off">rel</span>');
  });

  it('never makes an image: an http(s) image is a link to its address, any other is its alt text', () => {
    const out = html(
      '![a cat](https://example.com/cat.png) ![x](data:image/png;base64,AAAA) [![inner](https://example.com/i.png)](https://example.com/)',
    );
    expect(out).not.toContain('<img');
    expect(out).toContain('<a class="md-image" href="https://example.com/cat.png"');
    expect(out).toContain('a cat');
    expect(out).toContain('<span class="md-image">[x]</span>');
    // An image inside a link is text inside that link: a link never holds another link.
    const outer = /<a href="https:\/\/example\.com\/"[^>]*>(.*?)<\/a>/.exec(out);
    expect(outer?.[1]).toContain('inner');
    expect(outer?.[1]).not.toContain('<a');
  });

  it('turns a fenced block into a code block with its language and a copy button', () => {
    const out = html('```py\nprint("<b>")\n```');
    expect(out).toContain('data-lang="py"');
    expect(out).toContain('<span class="md-code-lang">py</span>');
    expect(out).toContain('data-testid="copy-code"');
    expect(out).toContain('print(&quot;&lt;b&gt;&quot;)');
  });

  it('puts the streaming cursor at the end of the last paragraph or list item', () => {
    expect(html('Some text', true)).toBe('<div class="md-block"><p>Some text<span class="cursor" aria-hidden="true"></span></p></div>');
    expect(html('- one\n- two', true)).toContain('<li>two<span class="cursor" aria-hidden="true"></span></li>');
    expect(html('', true)).toBe('<div class="md-block"><span class="cursor" aria-hidden="true"></span></div>');
  });
});
