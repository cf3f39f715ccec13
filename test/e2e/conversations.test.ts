import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pickModel } from '../helpers/browser';
import { chatgptExport, FIZZBUZZ } from '../helpers/chatgptExport';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let browser: Browser;
let page: Page;
let model: string;
let dir: string;
let cleanup: () => void;
const consoleErrors: string[] = [];

/** A long chat, stored through the import channel, with one message far from the end that says "ember". */
function stoveManual(): string {
  const messages = Array.from({ length: 60 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content:
      i === 9
        ? 'Keep a deep ember bed before adding logs. <img src=x onerror="window.__pwned=1"> is not a picture here.'
        : `Line ${i} of the stove manual: ${'open the damper and keep the glass clean. '.repeat(3)}`,
    createdAt: 1_700_000_000_000 + i * 1000,
  }));
  return JSON.stringify({
    format: 'hearth.conversations',
    version: 1,
    exportedAt: 1,
    conversations: [{ title: 'Stove manual', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_060_000, messages }],
  });
}

async function api<T>(channel: string, input?: unknown): Promise<T> {
  const client = await wsClient(server.port, server.token);
  try {
    return await client.call<T>(channel, input);
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  const t = tempDir();
  ({ dir, cleanup } = t);
  mkdirSync(join(dir, 'models'), { recursive: true });
  model = tinyModel(join(dir, 'models'), 'hearth-test-says-the.gguf', { favor: 'the' });
  server = await startServe([
    '--port',
    '0',
    '--data-dir',
    join(dir, 'data'),
    '--models-dir',
    join(dir, 'models'),
    '--threads',
    '1',
    '--gpu',
    'off',
  ]);
  await api('settings:update', { maxTokens: 40, temperature: 0, systemPrompt: 'Be brief.' });
  await api('conversations:importPart', { uploadId: 'manual', index: 0, text: stoveManual() });
  await api('conversations:import', { uploadId: 'manual' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
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

const titles = () => page.locator('[data-testid="conversation-item"]').allTextContents();
const row = (title: string) => page.locator('[data-testid="conversation-row"]', { hasText: title });
const primary = process.platform === 'darwin' ? 'Meta' : 'Control';

describe('conversations in the browser: titles, pins, search, shortcuts, export and import', () => {
  it('titles a new chat from its first message when the first answer ends', async () => {
    await page.goto(server.url);
    await pickModel(page, model);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await page.locator('[data-testid="composer-input"]').fill('Hi! How do I split oak logs for the stove? They are huge.');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await page.locator('[data-testid="message"][data-role="assistant"][data-status="complete"]').waitFor({ timeout: 30_000 });
    await expect.poll(titles).toEqual(['How do I split oak logs for the stove?', 'Stove manual']);
    await expect.poll(() => row('split oak').locator('[data-testid="conversation-item"]').getAttribute('aria-current')).toBe('page');
  });

  it('imports a ChatGPT export, branches as chats of their own, and says so', async () => {
    const file = join(dir, 'conversations.json');
    writeFileSync(file, JSON.stringify(chatgptExport()));
    await page.locator('[data-testid="import-file"]').setInputFiles(file);
    await expect
      .poll(() => page.locator('[data-testid="import-status"]').textContent())
      .toMatch(/^Imported 4 chats with 10 messages from ChatGPT\. 2 other branches .*\(branch N\).*3 tool or hidden messages left out\.$/);
    await expect
      .poll(titles)
      .toEqual(
        expect.arrayContaining(['Firewood questions', 'Firewood questions (branch 1)', 'Firewood questions (branch 2)', 'FizzBuzz']),
      );
    await page.screenshot({ path: join(SHOTS, 'e2e-conversations-imported.png') });

    // A file that is not an export: a clear reason, and the list is as it was.
    const before = await titles();
    const bad = join(dir, 'notes.json');
    writeFileSync(bad, '{"notes": ["not a chat"]}');
    await page.locator('[data-testid="import-file"]').setInputFiles(bad);
    await expect
      .poll(() => page.locator('[data-testid="import-status"][role="alert"]').textContent())
      .toBe("This file is neither a Hearth export nor ChatGPT's conversations.json. Nothing was imported.");
    expect(await titles()).toEqual(before);
  });

  it('pins a chat from its row with the keyboard: it moves to the top under "Pinned" and stays there', async () => {
    // Tab to the chat, then once more to its first action: the row's actions show while focus is in the row.
    await row('FizzBuzz').locator('[data-testid="conversation-item"]').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Pin “FizzBuzz”');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await titles())[0]).toBe('FizzBuzz');
    expect(await row('FizzBuzz').locator('[data-testid="pin-chat"]').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('.list-heading').allTextContents()).toEqual(['Pinned', 'Chats']);
    await page.screenshot({ path: join(SHOTS, 'e2e-conversations-pinned.png') });
    await page.reload();
    await expect.poll(async () => (await titles())[0]).toBe('FizzBuzz');
    await row('FizzBuzz').locator('[data-testid="pinned-mark"]').waitFor();
  });

  it('Ctrl/Cmd+K searches; results show marked snippets as text, and one opens its chat at the message', async () => {
    await page.locator('[data-testid="composer-input"]').focus();
    await page.keyboard.press(`${primary}+k`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('conversation-search');
    await page.keyboard.type('ember');
    const result = page.locator('[data-testid="search-result"]', { hasText: 'Stove manual' });
    await result.waitFor();
    expect(await result.locator('mark').allTextContents()).toEqual(['ember']);
    // The message's markup is shown as typed, never parsed.
    expect(await result.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await page.locator('.search-results img').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'e2e-conversations-search.png') });

    await result.click();
    const target = page.locator('.message-anchor[data-found]');
    await target.waitFor();
    expect(await target.textContent()).toContain('Keep a deep ember bed');
    const inView = await page.evaluate(() => {
      const box = document.querySelector('.message-anchor[data-found] > *')!.getBoundingClientRect();
      const view = document.querySelector('[data-testid="messages"]')!.getBoundingClientRect();
      return box.top >= view.top && box.top < view.bottom;
    });
    expect(inView).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: join(SHOTS, 'e2e-conversations-jump.png') });

    // Escape in the search box clears it and brings the list back.
    await page.locator('#conversation-search').press('Escape');
    await expect.poll(() => page.locator('#conversation-search').inputValue()).toBe('');
    await page.locator('[data-testid="conversation-item"]').first().waitFor();
  });

  it('Ctrl/Cmd+N starts a new chat, and Escape stops an answer', async () => {
    await page.keyboard.press(`${primary}+n`);
    await expect.poll(() => page.locator('.empty h2').textContent()).toBe('Start a new chat');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');

    await api('settings:update', { maxTokens: 0 });
    await page.keyboard.type('Write for ever');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-role="assistant"][data-status="streaming"]').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="message"][data-role="assistant"] [data-testid="message-body"]').textContent())
      .toMatch(/the/);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="message"][data-role="assistant"][data-status="stopped"]').waitFor({ timeout: 10_000 });
    await api('settings:update', { maxTokens: 40 });
  });

  it('exports one chat as Markdown (code blocks verbatim) and all of them as JSON', async () => {
    await row('FizzBuzz').hover();
    await row('FizzBuzz').locator('[data-testid="export-chat"]').click();
    await page.locator('[data-testid="export-choice"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'e2e-conversations-export.png') });
    const [md] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-markdown"]').click()]);
    expect(md.suggestedFilename()).toBe('fizzbuzz.md');
    expect(readFileSync((await md.path())!, 'utf8')).toBe(
      `# FizzBuzz\n\n## You\n\nShow me FizzBuzz in Python\n\n## Assistant\n\n${FIZZBUZZ}\n`,
    );

    const [all] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-all"]').click()]);
    expect(all.suggestedFilename()).toMatch(/^hearth-chats-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(readFileSync((await all.path())!, 'utf8')) as {
      format: string;
      conversations: { title: string; pinned: boolean }[];
    };
    expect(file.format).toBe('hearth.conversations');
    expect(file.conversations.map((c) => c.title)).toEqual(
      expect.arrayContaining(['Stove manual', 'FizzBuzz', 'Firewood questions (branch 2)']),
    );
    expect(file.conversations.find((c) => c.title === 'FizzBuzz')!.pinned).toBe(true);
  });

  it('showed no console errors (CSP violations, failed requests, React warnings)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
