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
let cleanup: () => void;
let first: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const models = join(t.dir, 'models');
  mkdirSync(models, { recursive: true });
  // Two models and none picked: main cannot choose for the user.
  first = tinyModel(models, 'first.gguf', { favor: 'the' });
  tinyModel(models, 'second.gguf', { favor: 'a' });
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
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

describe('the composer says why a message was not sent', () => {
  it('answers Enter with no model picked by pointing at the model picker, and keeps the text', async () => {
    await page.goto(server.url);
    const input = page.locator('[data-testid="composer-input"]');
    await input.fill('Hello there');
    await input.press('Enter');
    const alert = page.locator('[data-testid="composer-error"][role="alert"]');
    await expect.poll(() => alert.textContent()).toMatch(/pick a model/i);
    expect(await input.inputValue()).toBe('Hello there');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-composer-no-model.png') });

    // The alert leads to the picker, by keyboard too.
    await input.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-pick-model');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('model-picker');
  });

  it('says so again for the Send button, and clears once a model is picked', async () => {
    const input = page.locator('[data-testid="composer-input"]');
    await input.fill('Hello again');
    await page.locator('[data-testid="send"]').click();
    await page.locator('[data-testid="composer-error"]').waitFor();
    await pickModel(page, first);
    await page.locator('[data-testid="composer-error"]').waitFor({ state: 'detached' });
  });

  it("shows main's refusal of a send at the composer too, and keeps the text", async () => {
    const api = await wsClient(server.port, server.token);
    await api.call('settings:update', { maxTokens: 0, temperature: 0 });
    api.close();
    const input = page.locator('[data-testid="composer-input"]');
    await input.fill('Write for ever');
    await input.press('Enter');
    await page.locator('[data-testid="stop"]').waitFor();
    // Enter while this chat is still writing is not dropped: main says why it cannot take it.
    await input.fill('And then this');
    await input.press('Enter');
    await expect.poll(() => page.locator('[data-testid="composer-error"]').textContent()).toMatch(/still writing/i);
    expect(await input.inputValue()).toBe('And then this');
    await page.screenshot({ path: join(SHOTS, 'e2e-composer-busy.png') });
    await page.locator('[data-testid="stop"]').click();
    await page.locator('[data-testid="send"]').waitFor();
    // Editing the text dismisses the message.
    await input.press('End');
    await input.type('!');
    await page.locator('[data-testid="composer-error"]').waitFor({ state: 'detached' });
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
