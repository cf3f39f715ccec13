import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pickModel } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let browser: Browser;
let page: Page;
let model: string;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, 'models'), { recursive: true });
  model = tinyModel(join(t.dir, 'models'), 'hearth-test-says-the.gguf', { favor: 'the' });
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
  await updateSettings({ maxTokens: 6, temperature: 0, systemPrompt: 'Be brief.' });
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

async function updateSettings(patch: Record<string, unknown>): Promise<void> {
  const api = await wsClient(server.port, server.token);
  await api.call('settings:update', patch);
  api.close();
}

const messages = () => page.locator('[data-testid="message"]');
const user = (n: number) => page.locator('[data-testid="message"][data-role="user"]').nth(n);
const assistant = (n: number) => page.locator('[data-testid="message"][data-role="assistant"]').nth(n);
const body = (l: ReturnType<typeof user>) => l.locator('[data-testid="message-body"]').textContent();
const count = (l: ReturnType<typeof user>) => l.locator('[data-testid="branch-count"]').textContent();
const idle = () => page.locator('[data-testid="message"][data-status="streaming"]').waitFor({ state: 'detached', timeout: 30_000 });

describe('message actions and branches in the browser', () => {
  it('regenerates, edits, steps between versions, and finds them all again after a reload', async () => {
    await page.goto(server.url);
    await pickModel(page, model);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await page.locator('[data-testid="composer-input"]').fill('first question');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await assistant(0).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    await assistant(0).getByRole('button', { name: 'Regenerate answer' }).click();
    await expect.poll(() => count(assistant(0))).toBe('2/2');
    await idle();

    await user(0).getByRole('button', { name: 'Edit message' }).click();
    const editor = user(0).getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => editor.evaluate((el) => el === document.activeElement)).toBe(true);
    await editor.fill('edited question');
    await editor.press('Enter');
    await expect.poll(() => count(user(0))).toBe('2/2');
    await expect.poll(() => body(user(0))).toBe('edited question');
    await idle();
    expect(await assistant(0).locator('[data-testid="branch-count"]').count()).toBe(0);

    // Back to the first version: its regenerated answer is still the current one there.
    await user(0).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => body(user(0))).toBe('first question');
    await expect.poll(() => count(assistant(0))).toBe('2/2');
    await assistant(0).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => count(assistant(0))).toBe('1/2');
    expect(await user(0).getByRole('button', { name: 'Previous version' }).isDisabled()).toBe(true);

    await assistant(0).getByRole('button', { name: 'Copy message' }).click();
    await expect.poll(() => assistant(0).locator('output').textContent()).toBe('Copied');
    await page.screenshot({ path: join(SHOTS, 'e2e-branches.png') });

    await page.reload();
    await page.locator('[data-testid="conversation-item"]').first().click();
    await expect.poll(() => body(user(0))).toBe('first question');
    expect(await count(user(0))).toBe('1/2');
    expect(await count(assistant(0))).toBe('1/2');
    await user(0).getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => body(user(0))).toBe('edited question');
  });

  it('continues a stopped answer and deletes a message after confirming', async () => {
    await updateSettings({ maxTokens: 0 });
    await page.locator('[data-testid="composer-input"]').fill('go on for ever');
    await page.locator('[data-testid="send"]').click();
    await expect.poll(async () => ((await body(assistant(1))) ?? '').length, { timeout: 20_000 }).toBeGreaterThan(10);
    await page.locator('[data-testid="stop"]').click();
    await assistant(1).and(page.locator('[data-status="stopped"]')).waitFor();
    const kept = (await body(assistant(1)))!;

    await updateSettings({ maxTokens: 5 });
    await assistant(1).getByRole('button', { name: 'Continue answer' }).click();
    await assistant(1).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const more = (await body(assistant(1)))!;
    expect(more.startsWith(kept.trimEnd())).toBe(true);
    expect(more.length).toBeGreaterThan(kept.length);

    const before = await messages().count();
    await user(1).getByRole('button', { name: 'Delete message' }).click();
    const confirm = user(1).getByRole('button', { name: 'Delete', exact: true });
    await expect.poll(() => confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    await confirm.click();
    await expect.poll(() => messages().count()).toBe(before - 2);
    expect(consoleErrors).toEqual([]);
  });
});
