import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/** Focus, live regions, the theme and the context meter, as a keyboard and screen-reader user meets them. */
const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let browser: Browser;
let page: Page;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const models = join(t.dir, 'models');
  mkdirSync(models, { recursive: true });
  const model = tinyModel(models, 'only.gguf', { favor: 'the' });
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  const ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', { maxTokens: 0, temperature: 0, contextSize: 512 });
  await ws.call('models:load', { path: model });
  ws.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const active = (p: Page): Promise<string | null> =>
  p.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

describe('keyboard and screen-reader use', () => {
  it('keeps the focus on the button as Send turns into Stop and back, and marks the log busy while an answer streams', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('[data-testid="engine-status"]').getAttribute('data-status')).toBe('ready');
    const log = page.locator('[data-testid="messages"]');
    expect(await log.getAttribute('role')).toBe('log');
    await page.locator('[data-testid="composer-input"]').fill('Tell me everything');
    await page.locator('[data-testid="send"]').click();
    await page.locator('[data-testid="stop"]').waitFor();
    expect(await active(page)).toBe('stop');
    await expect.poll(() => log.getAttribute('aria-busy')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => log.getAttribute('aria-busy')).toBe('false');
    // Back to Send, still focused, and saying it has nothing to send.
    expect(await active(page)).toBe('send');
    expect(await page.locator('[data-testid="send"]').getAttribute('aria-disabled')).toBe('true');
  });

  it("meters the context as the user types, against the loaded model's real size", async () => {
    const meter = page.locator('[data-testid="context-meter"]');
    await expect.poll(() => meter.textContent()).toMatch(/^[\d,]+ \/ 512 tokens/);
    const before = Number((await meter.textContent())!.split(' / ')[0]!.replace(/,/g, ''));
    await page.locator('[data-testid="composer-input"]').fill('the hearth and the fire '.repeat(20));
    await expect.poll(async () => Number((await meter.textContent())!.split(' / ')[0]!.replace(/,/g, ''))).toBeGreaterThan(before + 60);
    // A draft longer than the whole context: the meter says what will happen to the oldest messages.
    await page.locator('[data-testid="composer-input"]').fill('the hearth and the fire '.repeat(150));
    await expect.poll(() => meter.getAttribute('data-state')).toBe('over');
    expect(await meter.textContent()).toMatch(/oldest messages will leave the model.s view/);
    await page.screenshot({ path: join(SHOTS, 'e2e-a11y-meter.png') });
    await page.locator('[data-testid="composer-input"]').fill('');
  });

  it('moves the focus into Settings, closes it with Escape, and gives the focus back', async () => {
    await page.locator('[data-testid="settings-open"]').click();
    await page.locator('[data-testid="settings-panel"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="settings-panel"]').waitFor({ state: 'detached' });
    expect(await active(page)).toBe('settings-open');
  });

  it('follows the system theme, and a theme picked in Settings wins', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = await bg();
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await bg();
    expect(dark).not.toBe(light);
    await page.locator('[data-testid="settings-open"]').click();
    await page.locator('[data-testid="settings-theme"]').selectOption('dark');
    await page.locator('[data-testid="settings-save"]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await bg()).toBe(dark);
    await page.screenshot({ path: join(SHOTS, 'e2e-a11y-dark.png') });
    await page.locator('[data-testid="settings-open"]').click();
    await page.locator('[data-testid="settings-theme"]').selectOption('system');
    await page.locator('[data-testid="settings-save"]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? 'none')).toBe('none');
    expect(await bg()).toBe(light);
  });
});
