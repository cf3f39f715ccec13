import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { ROOT, tempDir } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let api: Awaited<ReturnType<typeof wsClient>>;
let browser: Browser;
let page: Page;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
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
  api = await wsClient(server.port, server.token);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  api?.close();
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const byId = (id: string) => page.locator(`[data-testid="${id}"]`);

describe('presets and chat parameters in the browser', () => {
  it('creates a preset, picks it for a chat with its own temperature, and keeps both after a reload', async () => {
    const chat = (await api.call('conversations:create')) as { id: string };
    await api.call('conversations:rename', { id: chat.id, title: 'Sea chat' });
    await page.goto(server.url);
    await byId('engine-status').waitFor();
    // No chat open: nothing to set yet.
    expect(await byId('chat-params-open').isDisabled()).toBe(true);

    // A preset, made in Settings.
    await byId('settings-open').click();
    await byId('preset-add').click();
    await byId('preset-name').fill('Pirate');
    await byId('preset-prompt').fill('Talk like a pirate.');
    await byId('preset-save').click();
    await expect.poll(() => byId('preset-item').textContent()).toContain('Pirate');
    await page.screenshot({ path: join(SHOTS, 'e2e-presets-settings.png') });
    await page.keyboard.press('Escape');
    await byId('settings-panel').waitFor({ state: 'detached' });

    // Picked for the chat, with a temperature of its own.
    await page.locator('.sidebar').getByText('Sea chat').click();
    await byId('chat-params-open').click();
    await byId('chat-params-preset').selectOption({ label: 'Pirate' });
    await byId('chat-params-temperature').fill('1.3');
    await byId('chat-params-seed').fill('42');
    await byId('chat-params-save').click();
    await byId('chat-params').waitFor({ state: 'detached' });
    // Focus comes back to the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('chat-params-open');

    await page.reload();
    await byId('chat-params-open').click();
    await expect.poll(() => byId('chat-params-temperature').inputValue()).toBe('1.3');
    expect(await byId('chat-params-seed').inputValue()).toBe('42');
    expect(await byId('chat-params-preset').locator('option:checked').textContent()).toBe('Pirate');
    // Unset fields inherit: the global temperature shows as a hint, not a value.
    expect(await byId('chat-params-topP').inputValue()).toBe('');
    await page.screenshot({ path: join(SHOTS, 'e2e-presets-chat-params.png') });
    expect(await api.call('conversations:params', { id: chat.id })).toMatchObject({ sampling: { temperature: 1.3, seed: 42, topP: null } });

    // Clearing a field goes back to inheriting.
    await byId('chat-params-seed').fill('');
    await byId('chat-params-save').click();
    await byId('chat-params').waitFor({ state: 'detached' });
    expect(await api.call('conversations:params', { id: chat.id })).toMatchObject({ sampling: { temperature: 1.3, seed: null } });
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
