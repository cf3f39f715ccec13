import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { ROOT, tempDir } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let other: Awaited<ReturnType<typeof wsClient>>;
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
    // A long folder name: the picker says "No models in <folder>", and the engine status must still show beside it.
    join(t.dir, `models-${'long-folder-name-'.repeat(6)}`),
    '--threads',
    '1',
    '--gpu',
    'off',
  ]);
  // Another window of the same user.
  other = await wsClient(server.port, server.token);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  other?.close();
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const field = (id: string) => page.locator(`[data-testid="${id}"]`);

describe('settings changed in two windows', () => {
  it("shows another window's change without a reload", async () => {
    await page.goto(server.url);
    await page.locator('[data-testid="engine-status"]').waitFor();
    await other.call('settings:update', { systemPrompt: 'Answer in French.' });
    await page.locator('[data-testid="settings-open"]').click();
    await expect.poll(() => page.locator('[data-testid="settings-panel"] textarea').inputValue()).toBe('Answer in French.');
  });

  it("keeps the other window's change to a field this one did not touch", async () => {
    // The panel is open; the other window changes the temperature; this one changes the answer length.
    await other.call('settings:update', { temperature: 1.3 });
    await field('settings-max-tokens').fill('77');
    await field('settings-idle-unload').fill('5');
    await field('settings-save').click();
    await field('settings-panel').waitFor({ state: 'detached' });
    expect(await other.call('settings:get')).toMatchObject({
      systemPrompt: 'Answer in French.',
      temperature: 1.3,
      maxTokens: 77,
      idleUnloadMinutes: 5,
    });
  });

  it('keeps a field this window edited even when the other window changes it while the panel is open', async () => {
    await page.locator('[data-testid="settings-open"]').click();
    await field('settings-max-tokens').fill('5');
    await other.call('settings:update', { maxTokens: 900, temperature: 0.4 });
    // The untouched field follows the other window; the edited one keeps what this user typed.
    await expect.poll(() => page.getByLabel('Temperature', { exact: true }).inputValue()).toBe('0.4');
    expect(await field('settings-max-tokens').inputValue()).toBe('5');
    await page.screenshot({ path: join(SHOTS, 'e2e-settings-two-windows.png') });
    await field('settings-save').click();
    await field('settings-panel').waitFor({ state: 'detached' });
    expect(await other.call('settings:get')).toMatchObject({ temperature: 0.4, maxTokens: 5 });
  });

  it('switches the API server on from Settings, at once, and leads to its key and log', async () => {
    // A free port for it (the default one may be taken on this machine).
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    await other.call('api:configure', { port });
    await page.locator('[data-testid="settings-open"]').click();
    expect(await field('settings-api-state').textContent()).toBe('Off: no other app can use Hearth.');
    await field('settings-api-enabled').check();
    await expect.poll(() => field('settings-api-state').textContent()).toBe(`Running at http://127.0.0.1:${port}/v1`);
    expect(await other.call('api:status')).toMatchObject({ enabled: true, running: true, port });
    await field('settings-api').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'e2e-settings-api.png') });
    await field('settings-api-open').click();
    await field('settings-panel').waitFor({ state: 'detached' });
    await page.locator('[data-testid="connections-view"]').waitFor();
    expect(await page.locator('[data-testid="api-enabled"]').isChecked()).toBe(true);
    await other.call('api:configure', { enabled: false });
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
