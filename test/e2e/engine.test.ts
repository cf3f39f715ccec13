import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pickModel } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/** The scheduler as a user meets it: a waiting answer says where it stands, and a model switch asks first. */
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
  first = tinyModel(models, 'first.gguf', { favor: 'the' });
  tinyModel(models, 'second.gguf', { favor: 'fire' });
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  // One answer at a time, answers that run until stopped: the second chat must wait.
  const ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', { parallelAnswers: 1, maxTokens: 0, temperature: 0 });
  await ws.call('models:load', { path: first });
  ws.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
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

const send = async (text: string): Promise<void> => {
  const input = page.locator('[data-testid="composer-input"]');
  await input.fill(text);
  await input.press('Enter');
};

describe('answers, the queue and model switches in the browser', () => {
  it('shows a waiting answer its place, then streams it once the first is stopped', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('[data-testid="engine-status"]').getAttribute('data-status')).toBe('ready');
    await send('Tell me a story that never ends');
    const firstBody = page.locator('[data-testid="message"][data-role="assistant"] [data-testid="message-body"]');
    await expect.poll(() => firstBody.first().textContent(), { timeout: 15_000 }).toMatch(/the the/);

    await page.locator('[data-testid="new-chat"]').click();
    await send('And another one');
    const place = page.locator('[data-testid="queue-place"]');
    await expect.poll(() => place.textContent()).toBe('Waiting: 1 answer ahead');
    await page.screenshot({ path: join(SHOTS, 'e2e-engine-queued.png') });

    // Stop the first answer from its own chat: the waiting one starts and its place goes away.
    const chat = (title: string) => page.locator('[data-testid="conversation-item"]', { hasText: title });
    await chat('Tell me a story').click();
    await page.locator('[data-testid="stop"]').click();
    await chat('And another one').click();
    await expect.poll(() => place.count()).toBe(0);
    await expect.poll(() => firstBody.first().textContent(), { timeout: 15_000 }).toMatch(/the the/);
  });

  it('asks before switching models while an answer is written, and says the answer was stopped for it', async () => {
    // By keyboard: the arrow keys only move through the menu; nothing loads until Enter.
    await page.locator('[data-testid="model-picker"]').focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.locator('[data-testid="model-menu"]');
    await menu.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    expect(await menu.locator('.active').textContent()).toMatch(/^second\.gguf/);
    expect(await page.locator('[data-testid="engine-status"]').getAttribute('data-status')).toBe('ready');
    expect(await page.locator('[data-testid="switch-choice"]').count()).toBe(0);
    await page.keyboard.press('Enter');
    const choice = page.locator('[data-testid="switch-choice"]');
    await expect.poll(() => choice.textContent()).toMatch(/1 answer is still being written/);
    // The choice takes the focus, and Escape leaves everything as it was.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/Let it finish, then switch/);
    await page.screenshot({ path: join(SHOTS, 'e2e-engine-switch-choice.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => choice.count()).toBe(0);
    expect(await page.locator('[data-testid="stop"]').count()).toBe(1);

    await pickModel(page, 'second.gguf');
    await page.getByRole('button', { name: 'Stop it and switch' }).click();
    const status = page.locator('[data-testid="engine-status"]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/Ready/);
    const stopped = page.locator('[data-testid="message"][data-status="stopped"]');
    await expect.poll(() => stopped.locator('.message-note').textContent()).toBe('Stopped to switch to second.gguf.');
    await page.screenshot({ path: join(SHOTS, 'e2e-engine-switched.png') });

    await send('Now with the other model');
    const last = page.locator('[data-testid="message"][data-role="assistant"]').last().locator('[data-testid="message-body"]');
    await expect.poll(() => last.textContent(), { timeout: 15_000 }).toMatch(/fire fire/);
    await page.locator('[data-testid="stop"]').click();
    expect(consoleErrors).toEqual([]);
  });
});
