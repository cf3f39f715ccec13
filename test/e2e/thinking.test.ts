import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationWithMessages } from '../../shared/types';
import { launchChromium } from '../helpers/browser';
import { ROOT, tempDir } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';
import { writeTinyModel } from '../../electron/lib/tinyModel';

/**
 * A reasoning model's answer in the browser: its thoughts stream into a collapsed "Thinking…" block with a live
 * timer, which turns into "Thought for N s" when the answer begins; the answer's text never holds them; the
 * stats line says model, tokens, speed, first token and where it ran. Everything is found by the data-testid
 * attributes of ThinkingBlock and MessageStats, wherever MessageItem mounts them.
 */
const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let browser: Browser;
let page: Page;
let cleanup: () => void;
const consoleErrors: string[] = [];

// At about 1,400 tokens a second on one thread, 2,000 thoughts take over a second: long enough to watch the timer.
const THOUGHT_TOKENS = 2000;
const MAX_TOKENS = 2400;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, 'models'), { recursive: true });
  // The only model there is, so the first message picks it without the model menu.
  writeTinyModel(join(t.dir, 'models', 'reasons.gguf'), { favor: 'the', reasoning: true });
  server = await startServe([
    '--port',
    '0',
    '--data-dir',
    join(t.dir, 'data'),
    '--models-dir',
    join(t.dir, 'models'),
    '--threads',
    '1',
    '--gpu',
    'off',
  ]);
  const api = await wsClient(server.port, server.token);
  await api.call('settings:update', { maxTokens: MAX_TOKENS, thoughtTokens: THOUGHT_TOKENS, temperature: 0, systemPrompt: 'Be brief.' });
  api.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const answer = () => page.locator('[data-testid="message"][data-role="assistant"]').first();
const block = () => answer().locator('[data-testid="thinking"]');

async function saved(conversationId: string): Promise<ConversationWithMessages> {
  const api = await wsClient(server.port, server.token);
  try {
    return await api.call<ConversationWithMessages>('conversations:get', { id: conversationId });
  } finally {
    api.close();
  }
}

describe('a reasoning model in the browser', () => {
  it('streams thoughts into a collapsed block with a live timer, then says how long it thought', async () => {
    await page.goto(server.url);
    // What the block says, in order, with the answer's status at that moment: recorded from the DOM itself.
    await page.evaluate(() => {
      const w = window as unknown as { __thinking: { state: string; summary: string; status: string; open: boolean }[] };
      w.__thinking = [];
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="message"][data-role="assistant"] [data-testid="thinking"]');
        if (!el) return;
        const seen = {
          state: el.getAttribute('data-state') ?? '',
          summary: el.querySelector('[data-testid="thinking-summary"]')?.textContent ?? '',
          status: el.closest('[data-testid="message"]')?.getAttribute('data-status') ?? '',
          open: (el as HTMLDetailsElement).open,
        };
        const last = w.__thinking.at(-1);
        if (!last || last.summary !== seen.summary || last.state !== seen.state || last.status !== seen.status) w.__thinking.push(seen);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.locator('[data-testid="composer-input"]').fill('Why is the sky blue?');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await block().and(page.locator('[data-state="thinking"]')).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'e2e-thinking-live.png') });
    await answer().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 60_000 });

    const seen = await page.evaluate(
      () => (window as unknown as { __thinking: { state: string; summary: string; status: string; open: boolean }[] }).__thinking,
    );
    const thinking = seen.filter((s) => s.state === 'thinking');
    // A live timer: the summary said "Thinking… N s" with at least two different times while thoughts streamed.
    expect(thinking.every((s) => /^Thinking… \d+\.\d s$/.test(s.summary) && s.status === 'streaming')).toBe(true);
    expect(new Set(thinking.map((s) => s.summary)).size).toBeGreaterThanOrEqual(2);
    // Once the answer began (still streaming), it said how long it thought.
    const firstDone = seen.findIndex((s) => s.state === 'done');
    expect(firstDone).toBeGreaterThan(0);
    expect(seen.slice(firstDone).every((s) => s.state === 'done' && /^Thought for \d+\.\d s$/.test(s.summary))).toBe(true);
    expect(seen.some((s) => s.state === 'done' && s.status === 'streaming')).toBe(true);
    // Collapsed throughout: nobody opened it.
    expect(seen.every((s) => !s.open)).toBe(true);
  });

  it('keeps the thoughts out of the answer, and shows them when the block is opened', async () => {
    const api = await wsClient(server.port, server.token);
    const [conversation] = await api.call<{ id: string }[]>('conversations:list');
    api.close();
    const { messages } = await saved(conversation!.id);
    const stored = messages[1]!;
    expect(stored.thoughts.length).toBeGreaterThan(1000);
    expect(stored.thoughtMs).not.toBeNull();

    // The shown time is the stored one.
    await expect
      .poll(() => block().locator('[data-testid="thinking-summary"]').textContent())
      .toBe(`Thought for ${(stored.thoughtMs! / 1000).toFixed(1)} s`);
    // The answer's text is the answer alone.
    const body = (await answer().locator('[data-testid="message-body"]').textContent())!;
    expect(body.trim()).toBe(stored.content.trim());
    expect(body.trim().split(/\s+/).length).toBeLessThan(MAX_TOKENS - THOUGHT_TOKENS + 50);
    expect(await answer().locator('[data-testid="message-body"] [data-testid="thinking"]').count()).toBe(0);

    // Collapsed: the thought text is not in the page until the block is opened, by mouse or keyboard.
    expect(await block().locator('[data-testid="thinking-text"]').count()).toBe(0);
    await block().locator('[data-testid="thinking-summary"]').click();
    await expect.poll(() => block().evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    const text = (await block().locator('[data-testid="thinking-text"]').textContent())!;
    expect(text).toBe(stored.thoughts);
    await page.screenshot({ path: join(SHOTS, 'e2e-thinking-open.png') });
    await block().locator('[data-testid="thinking-summary"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => block().locator('[data-testid="thinking-text"]').count()).toBe(0);
  });

  it('shows model, tokens, speed, first token and where it ran under the answer', async () => {
    // The route line names the place and the model (and why it ran there); the stats line does not repeat the model.
    expect(await answer().locator('[data-testid="route-place"]').textContent()).toBe('This machine · reasons.gguf');
    const stats = answer().locator('[data-testid="message-stats"]');
    await expect.poll(() => stats.textContent()).toMatch(/^\d+ tokens · \d+(\.\d)? tok\/s · first token \d+(\.\d)? m?s · CPU$/);
    expect(await stats.locator('[data-stat="where"]').textContent()).toBe('CPU');
    expect(await stats.locator('[data-stat="where"]').getAttribute('title')).toBe('Ran on the CPU');
  });

  it('still shows how long it thought, collapsed, after a reload', async () => {
    await page.reload();
    await page.locator('[data-testid="conversation-item"]').first().click();
    await block().waitFor();
    expect(await block().getAttribute('data-state')).toBe('done');
    expect(await block().locator('[data-testid="thinking-summary"]').textContent()).toMatch(/^Thought for \d+\.\d s$/);
    expect(await block().locator('[data-testid="thinking-text"]').count()).toBe(0);
    // KaTeX's inlined fonts against the page's CSP belong to the Markdown renderer, not to this feature.
    expect(consoleErrors.filter((e) => !/^Loading the font 'data:font\/woff2;.*font-src/.test(e))).toEqual([]);
  });
});
