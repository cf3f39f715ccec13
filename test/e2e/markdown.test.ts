import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pickModel } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { type RunningServer, startServe, wsClient } from '../helpers/headlessProcess';

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let counter: Server;
let counterPort: number;
let hits: string[] = [];
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cleanup: () => void;
let richModel: string;
let hostileModel: string;
const consoleErrors: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];

const TS_CODE = [
  'interface Greeting {',
  '  name: string;',
  '}',
  '',
  'export function greet(g: Greeting): string {',
  '  return `Hello, ${g.name}!`; // say hello',
  '}',
].join('\n');

const RICH = [
  '## Rendering check',
  '',
  '| Form | Example |',
  '| :--- | ---: |',
  '| inline dollars | $a^2 + b^2 = c^2$ |',
  '| inline brackets | \\(e^{i\\pi} + 1 = 0\\) |',
  '',
  'Display math with dollars:',
  '',
  '$$',
  '\\Bigg( \\int_0^1 x^2\\,dx \\Bigg) = \\frac{1}{3}',
  '$$',
  '',
  'Display math with brackets:',
  '',
  '\\[',
  '\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}',
  '\\]',
  '',
  '```ts',
  TS_CODE,
  '```',
  '',
  '```brainfuck',
  '++++[>++++<-]>.',
  '```',
  '',
  '- a list item with `inline \\(code\\)`',
  '- prices stay text: $5 and $10',
  '- [a link](https://example.com/docs) and **bold** text',
  '',
  '> A quote, with ~~strikethrough~~.',
].join('\n');

/** Every trick a hostile answer might try. `PORT` is the counting server's port. */
const hostileDoc = (port: number): string =>
  [
    '# Hostile',
    '',
    "<script>window.__pwned = 'script'</script>",
    '',
    `<img src="http://127.0.0.1:${port}/raw-img.png" onerror="window.__pwned='img'">`,
    '',
    `<svg onload="window.__pwned='svg'"><image href="http://127.0.0.1:${port}/svg-image.png"/></svg>`,
    '',
    `<iframe src="http://127.0.0.1:${port}/iframe"></iframe>`,
    '',
    `<div style="background:url(http://127.0.0.1:${port}/css)" onclick="window.__pwned='click'">a styled div</div>`,
    '',
    `Inline <b onmouseover="window.__pwned='b'">bold</b>, <img src=x onerror="window.__pwned='inline'"> and <a href="javascript:window.__pwned='a'">a raw link</a>.`,
    '',
    "[javascript link](javascript:window.__pwned='js') [upper](JAVASCRIPT:alert(1)) [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vbscript](vbscript:msgbox(1)) [file](file:///etc/passwd) [relative](/settings) <javascript:alert(1)>",
    '',
    `![tracker](http://127.0.0.1:${port}/md-image.png) and ![data image](data:image/png;base64,iVBORw0KGgo=)`,
    '',
    `[![linked image](http://127.0.0.1:${port}/linked.png)](https://example.com/)`,
    '',
    '[r]: javascript:alert(1)',
    '[reference link][r]',
    '',
    `Math cannot reach out: $\\href{javascript:alert(1)}{click}$, $\\url{http://127.0.0.1:${port}/url}$, $\\includegraphics{http://127.0.0.1:${port}/graphic.png}$, $\\htmlClass{x}{y}$.`,
    '',
    '<style>body { display: none }</style>',
    '',
    `<object data="http://127.0.0.1:${port}/object"></object><embed src="http://127.0.0.1:${port}/embed">`,
    '',
    `<form action="http://127.0.0.1:${port}/form"><input name=q><button>go</button></form>`,
    '',
    '<math><mi href="javascript:alert(1)">x</mi></math>',
    '',
    'A safe link for contrast: [example](https://example.com/page).',
  ].join('\n');

/** One streamed "word" the hostile model repeats: a Markdown image and link, a script and an SVG handler. */
const hostileWord = (port: number): string =>
  `![p](http://127.0.0.1:${port}/s.png)[j](javascript:alert(1))<script>window.__pwned=1</script><svg onload=alert(1)>`;

/** One streamed "word" the rich model repeats: a code block, then a paragraph with math in two forms. */
const RICH_WORD = '```ts\nlet a = 1;\n```\n\n\\(x^2\\) and $y$\n\n';
/** Tokens in the streamed rich answer: each is one RICH_WORD, so as many code blocks and twice as many formulas. */
const RICH_REPEATS = 60;

function serverArgs(dir: string): string[] {
  return ['--port', '0', '--data-dir', join(dir, 'data'), '--models-dir', join(dir, 'models'), '--threads', '1', '--gpu', 'off'];
}

/** Writes two finished conversations straight into the server's database (the server must be stopped). */
function seed(dbPath: string, port: number): void {
  const db = new Database(dbPath);
  const now = Date.now();
  const add = db.transaction((title: string, question: string, answer: string, at: number) => {
    const id = randomUUID();
    db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, title, at, at);
    const msg = db.prepare(
      'INSERT INTO messages (id, conversation_id, seq, role, content, status, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    msg.run(randomUUID(), id, 1, 'user', question, 'complete', null, at);
    msg.run(randomUUID(), id, 2, 'assistant', answer, 'complete', 'scripted.gguf', at + 1);
  });
  add('Rich answer', 'Show me what you can render', RICH, now);
  add('Hostile answer', 'Try to break out', hostileDoc(port), now + 10);
  db.close();
}

beforeAll(async () => {
  counter = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', () => resolve()));
  counterPort = (counter.address() as AddressInfo).port;

  const t = tempDir();
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, 'models'), { recursive: true });
  richModel = tinyModel(join(t.dir, 'models'), 'rich.gguf', { favor: RICH_WORD });
  hostileModel = tinyModel(join(t.dir, 'models'), 'hostile-markdown.gguf', { favor: hostileWord(counterPort) });
  // The first start creates and migrates the database; the data folder is locked while a server runs, so the
  // scripted answers go in between two starts.
  const first = await startServe(serverArgs(t.dir));
  await first.stop();
  seed(join(t.dir, 'data', 'hearth.db'), counterPort);
  server = await startServe(serverArgs(t.dir));

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${server.port}` });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => counter?.close(resolve));
  cleanup?.();
});

const assistant = (n = 0) => page.locator('[data-testid="message"][data-role="assistant"]').nth(n);
const body = (n = 0) => assistant(n).locator('[data-testid="message-body"]');

async function openChat(title: string): Promise<void> {
  await page.locator('[data-testid="conversation-item"]', { hasText: title }).click();
  await assistant().waitFor();
}

async function updateSettings(patch: Record<string, unknown>): Promise<void> {
  const api = await wsClient(server.port, server.token);
  await api.call('settings:update', patch);
  api.close();
}

/** What the page made of the message bodies: every element's tag, attributes that run code, and every link. */
function inspectBodies(): Promise<{ tags: string[]; handlers: string[]; links: { href: string; target: string; rel: string }[] }> {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('[data-testid="message-body"] *')];
    return {
      tags: [...new Set(all.filter((e) => !e.closest('.katex, [data-testid="copy-code"]')).map((e) => e.tagName.toLowerCase()))].sort(),
      handlers: all.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}.${a.name}`)),
      links: [...document.querySelectorAll('[data-testid="message-body"] a')].map((a) => ({
        href: a.getAttribute('href') ?? '',
        target: a.getAttribute('target') ?? '',
        rel: a.getAttribute('rel') ?? '',
      })),
    };
  });
}

/** Tags that Markdown and our components make; anything else in a message body came from the model's HTML. */
const MARKDOWN_TAGS = new Set(
  'a blockquote br code del div em h1 h2 h3 h4 h5 h6 hr li ol p pre span strong table tbody td th thead tr ul'.split(' '),
);

function expectInert(seen: Awaited<ReturnType<typeof inspectBodies>>): void {
  expect(seen.tags.filter((t) => !MARKDOWN_TAGS.has(t))).toEqual([]);
  expect(seen.handlers).toEqual([]);
  for (const link of seen.links) {
    expect(link.href).toMatch(/^https?:\/\//);
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
  }
}

describe('Markdown in model answers, in Chromium against npm run serve', () => {
  it('renders a finished answer: a table, highlighted TypeScript with a copy button, and math in all four forms', async () => {
    await openChat('Rich answer');
    const b = body();
    expect(await b.locator('table th').allTextContents()).toEqual(['Form', 'Example']);
    expect(await b.locator('table td').count()).toBe(4);
    expect(await b.locator('h2').textContent()).toBe('Rendering check');

    // Math: two inline forms in the table, two display forms, all typeset by KaTeX; no delimiter is left as text.
    expect(await b.locator('.katex').count()).toBe(4);
    expect(await b.locator('.katex-display').count()).toBe(2);
    expect(await b.locator('table .katex').count()).toBe(2);
    const bare = await b.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const k of copy.querySelectorAll('.katex, code')) k.remove();
      return copy.textContent ?? '';
    });
    expect(bare).not.toMatch(/\\\(|\\\[|\$\$/);
    expect(bare).toContain('prices stay text: $5 and $10');
    // In inline code the brackets stay as written.
    expect(await b.locator('li code').textContent()).toBe('inline \\(code\\)');

    // The TypeScript block is highlighted (spans with colours), the unknown language stays plain.
    const ts = b.locator('[data-testid="code-block"][data-lang="ts"]');
    await ts.and(page.locator('[data-highlighted]')).waitFor();
    expect(await ts.locator('pre').textContent()).toBe(TS_CODE);
    const keyword = ts.locator('pre span', { hasText: /^interface$/ });
    const lightColor = await keyword.evaluate((el) => getComputedStyle(el).color);
    expect(lightColor).not.toBe(await ts.locator('pre').evaluate((el) => getComputedStyle(el).color));
    expect(await ts.locator('pre span[style]').count()).toBeGreaterThan(10);
    const plain = b.locator('[data-testid="code-block"][data-lang="brainfuck"]');
    expect(await plain.locator('pre').textContent()).toBe('++++[>++++<-]>.');
    expect(await plain.locator('pre span').count()).toBe(0);
    expect(await b.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/docs']);

    // The copy button works from the keyboard, says so, and puts the code on the clipboard.
    const copy = ts.locator('[data-testid="copy-code"]');
    await copy.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => copy.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(TS_CODE);
    expect(await ts.locator('output').textContent()).toMatch(/Copied/);
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-light.png') });
    await page.locator('[data-testid="messages"]').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-light-top.png') });
    await expect.poll(() => copy.textContent(), { timeout: 5000 }).toMatch(/^Copy/);

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(lightColor);
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-dark-top.png') });
    await page.locator('[data-testid="messages"]').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a hostile finished answer as inert text: no element from its HTML, no script, no fetch', async () => {
    await openChat('Hostile answer');
    const b = body();
    const text = (await b.textContent())!;
    // The HTML is there to read, as text.
    expect(text).toContain("<script>window.__pwned = 'script'</script>");
    expect(text).toContain('<svg onload=');
    expect(text).toContain('<iframe src=');
    expect(text).toContain('<style>body { display: none }</style>');
    // Links that are not http(s) are their text; images are links to their address, never fetched.
    expect(await b.locator('.md-link-off', { hasText: 'javascript link' }).count()).toBe(1);
    expect(await b.locator('.md-link-off', { hasText: 'data link' }).count()).toBe(1);
    expect(await b.locator('.md-link-off', { hasText: 'reference link' }).count()).toBe(1);
    const seen = await inspectBodies();
    expectInert(seen);
    expect(seen.links.map((l) => l.href)).toEqual([
      `http://127.0.0.1:${counterPort}/md-image.png`,
      'https://example.com/',
      'https://example.com/page',
    ]);
    expect(await b.locator('a.md-image').textContent()).toContain('tracker');
    // KaTeX ran untrusted: \href, \url and \includegraphics made no link and no image.
    expect(await b.locator('.katex a, .katex img').count()).toBe(0);
    expect(await page.locator('body').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-hostile.png') });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(hits).toEqual([]);
    expect(requests.filter((u) => u.includes(`:${counterPort}/`))).toEqual([]);
  });

  it('keeps hostile output inert while it streams from the model', async () => {
    await updateSettings({ maxTokens: 12, temperature: 0 });
    await page.locator('[data-testid="new-chat"]').click();
    await pickModel(page, hostileModel);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __streamTags: string[] };
      w.__streamTags = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-status="streaming"] [data-testid="message-body"] *')) {
          const tag = el.tagName.toLowerCase();
          if (!w.__streamTags.includes(tag)) w.__streamTags.push(tag);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.locator('[data-testid="composer-input"]').fill('Break out, please');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await assistant().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const streamedTags = await page.evaluate(() => (window as unknown as { __streamTags: string[] }).__streamTags);
    expect(streamedTags.filter((t) => !MARKDOWN_TAGS.has(t))).toEqual([]);
    const text = (await body().textContent())!;
    expect(text.split('<script>window.__pwned=1</script>').length - 1).toBe(12);
    const seen = await inspectBodies();
    expectInert(seen);
    expect(seen.links.every((l) => l.href === `http://127.0.0.1:${counterPort}/s.png`)).toBe(true);
    expect(await body().locator('.md-link-off', { hasText: /^j$/ }).count()).toBe(12);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(hits).toEqual([]);
  });

  it('streams Markdown block by block: finished blocks are never rendered again, code and math render as they come', async () => {
    await updateSettings({ maxTokens: RICH_REPEATS, temperature: 0 });
    await page.locator('[data-testid="new-chat"]').click();
    await pickModel(page, richModel);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    // Remembers each block element of the streaming answer and the HTML it had when the next block began.
    await page.evaluate(() => {
      const w = window as unknown as { __blocks: { el: Element; html: string | null }[]; __texts: string[] };
      w.__blocks = [];
      w.__texts = [];
      new MutationObserver(() => {
        const msg = document.querySelector('[data-role="assistant"][data-status="streaming"] [data-testid="message-body"]');
        if (!msg) return;
        const els = [...msg.querySelectorAll(':scope > .md-block')];
        for (const [i, el] of els.entries()) {
          let known = w.__blocks.find((b) => b.el === el);
          if (!known) w.__blocks.push((known = { el, html: null }));
          if (i < els.length - 1 && known.html === null) known.html = el.innerHTML;
        }
        const text = msg.textContent ?? '';
        if (w.__texts.at(-1) !== text) w.__texts.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.locator('[data-testid="composer-input"]').fill('Stream some code and math');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await assistant().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    const result = await page.evaluate(() => {
      const w = window as unknown as { __blocks: { el: Element; html: string | null }[]; __texts: string[] };
      const msg = document.querySelector('[data-role="assistant"] [data-testid="message-body"]')!;
      const now = [...msg.querySelectorAll(':scope > .md-block')];
      return {
        seen: w.__blocks.length,
        // A block that was finished while streaming is the same element now, with the same HTML (its code
        // highlighting may have arrived later, so code blocks compare by text).
        kept: w.__blocks.filter((b) => b.html !== null && now.includes(b.el)).length,
        finished: w.__blocks.filter((b) => b.html !== null).length,
        changed: w.__blocks
          .filter((b) => b.html !== null && !b.el.querySelector('[data-testid="code-block"]') && b.el.innerHTML !== b.html)
          .map((b) => b.el.textContent),
        texts: w.__texts,
      };
    });
    expect(result.finished).toBeGreaterThanOrEqual(10);
    expect(result.kept).toBe(result.finished);
    expect(result.changed).toEqual([]);
    const grown = result.texts.filter((t, i) => i > 0 && !t.startsWith(result.texts[i - 1]!));
    expect(grown).toEqual([]);

    const b = body();
    const blocks = b.locator('[data-testid="code-block"]');
    expect(await blocks.count()).toBe(RICH_REPEATS);
    await expect.poll(() => b.locator('[data-testid="code-block"][data-highlighted]').count()).toBe(RICH_REPEATS);
    expect(await blocks.first().locator('pre').textContent()).toBe('let a = 1;');
    expect(await b.locator('.katex').count()).toBe(2 * RICH_REPEATS);
    await page.screenshot({ path: join(SHOTS, 'e2e-markdown-streamed.png') });
  });

  it('showed no console errors (CSP violations, failed requests, React warnings)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
