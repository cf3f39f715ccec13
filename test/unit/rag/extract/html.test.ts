import { describe, expect, it } from 'vitest';
import { extractHtml, htmlRefusal, htmlShape, MAX_HTML_DEPTH } from '../../../../electron/rag/extract/html';

describe('extractHtml', () => {
  it('reads the body as a reader sees it: blocks on their own lines, inline text joined, whitespace collapsed', () => {
    const html =
      '<html><head><title>Tab title</title></head><body><p>One   <b>bold</b>\n word.</p><div>Two</div>Three<br>Four</body></html>';
    expect(extractHtml(html).text).toBe('One bold word.\n\nTwo\nThree\nFour');
  });

  it('drops scripts, styles, templates, embedded objects and form options', () => {
    const html =
      '<body><script>var a = "SCRIPT";</script><style>p{}/*STYLE*/</style><noscript>NOSCRIPT</noscript>' +
      '<template><p>TEMPLATE</p></template><svg><text>SVG</text></svg><select><option>OPTION</option></select>' +
      '<iframe>IFRAME</iframe><p>kept</p></body>';
    expect(extractHtml(html).text).toBe('kept');
  });

  it('drops hidden elements: the hidden attribute, aria-hidden, and an inline display: none or visibility: hidden', () => {
    const html =
      '<body><p hidden>A</p><p aria-hidden="true">B</p><p style="color: red; DISPLAY:none">C</p>' +
      '<p style="visibility: hidden">D</p><p aria-hidden="false">shown</p></body>';
    expect(extractHtml(html).text).toBe('shown');
  });

  it('records h1-h6 as headings at the offset of their first character, titled by their text', () => {
    const html = '<body><h1>Guide</h1><p>Intro.</p><h2>Set <em>up</em></h2><p>Steps.</p><h3>  </h3><h6>Notes</h6></body>';
    const { text, headings } = extractHtml(html);
    expect(text).toBe('Guide\n\nIntro.\n\nSet up\n\nSteps.\n\nNotes');
    expect(headings).toEqual([
      { level: 1, title: 'Guide', start: 0 },
      { level: 2, title: 'Set up', start: text.indexOf('Set up') },
      { level: 6, title: 'Notes', start: text.indexOf('Notes') },
    ]);
  });

  it('does not name a heading with hidden or scripted text inside it', () => {
    const { headings } = extractHtml('<h2>Visible<script>x()</script><span hidden>secret</span></h2><p>t</p>');
    expect(headings).toEqual([{ level: 2, title: 'Visible', start: 0 }]);
  });

  it('keeps the whitespace of preformatted text', () => {
    expect(extractHtml('<p>Run:</p><pre>  npm  install\n  npm test</pre>').text).toBe('Run:\n\n  npm  install\n  npm test');
  });

  it('puts table cells on one line, separated by tabs', () => {
    expect(extractHtml('<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ada</td><td>36</td></tr></table>').text).toBe(
      'Name\tAge\nAda\t36',
    );
  });

  it('reads a fragment without html or body tags, and plain text', () => {
    expect(extractHtml('<p>a &amp; b</p><p>c</p>').text).toBe('a & b\n\nc');
    expect(extractHtml('just text').text).toBe('just text');
  });

  it('returns a hundred-thousand-character word whole', () => {
    const word = 'z'.repeat(100_000);
    expect(extractHtml(`<p>${word}</p>`).text).toBe(word);
  });
});

describe('htmlRefusal', () => {
  it('counts elements and how deep they nest, without void or self-closed elements', () => {
    expect(htmlShape('<div><p>a<br><img src=x></p><span/></div>')).toEqual({ depth: 2, elements: 5 });
  });

  it('refuses a page nested deeper than the limit, before parsing it', () => {
    const n = MAX_HTML_DEPTH + 1;
    expect(htmlRefusal(`${'<div>'.repeat(n)}x${'</div>'.repeat(n)}`)).toMatch(/^too deeply nested/);
    expect(htmlRefusal(`${'<div>'.repeat(100)}x${'</div>'.repeat(100)}`)).toBeNull();
  });

  it('refuses a page with too many elements', () => {
    expect(htmlRefusal('<b>x</b>'.repeat(250_001))).toMatch(/^too big: over 250,000 HTML elements/);
  });

  it('measures a page of unclosed angle brackets in one pass', () => {
    expect(htmlShape('<a'.repeat(200_000))).toEqual({ depth: 0, elements: 0 });
  });
});
