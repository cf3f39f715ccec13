import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServerStatus } from '../../shared/api';
import { launchChromium } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/**
 * The API server as a user meets it in the Connections view: switch it on, copy the key into a tool, watch the
 * tool's requests arrive in the log, regenerate the key, allow a web page's origin.
 */
const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let ws: Awaited<ReturnType<typeof wsClient>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dataDir: string;
let apiPort: number;
let cleanup: () => void;
const consoleErrors: string[] = [];

/** A port nothing listens on now: the OS picks it, and it is let go at once. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  dataDir = join(t.dir, 'data');
  const models = join(t.dir, 'models');
  mkdirSync(models, { recursive: true });
  const model = tinyModel(models, 'tiny-chat.gguf', { favor: 'the' });
  server = await startServe(['--port', '0', '--data-dir', dataDir, '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', { temperature: 0, contextSize: 512 });
  await ws.call('models:load', { path: model });
  apiPort = await freePort();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${server.port}` });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  ws?.close();
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const el = (id: string) => page.locator(`[data-testid="${id}"]`);
const status = (): Promise<ApiServerStatus> => ws.call<ApiServerStatus>('api:status');
const keyFile = (): string => readFileSync(join(dataDir, 'api-key'), 'utf8');
const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
const models = (key: string): Promise<Response> =>
  fetch(`http://127.0.0.1:${apiPort}/v1/models`, { headers: { Authorization: `Bearer ${key}`, 'User-Agent': 'e2e-tool/1.0' } });
const rows = () => el('api-log-row');

describe('the API server panel', () => {
  it('opens on the API server tab, with the server off, no key yet, no origins and an empty log', async () => {
    await page.goto(server.url);
    await el('connections-open').click();
    await el('api-panel').waitFor();
    expect(await el('connections-tab-api').getAttribute('aria-selected')).toBe('true');
    // Opening the view put the keyboard on its first tab.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('connections-tab-api');
    expect(await page.getByRole('switch', { name: 'API server' }).isChecked()).toBe(false);
    expect(await el('api-state').textContent()).toContain('Off');
    await el('api-key-none').waitFor();
    await el('api-origins-none').waitFor();
    await el('api-log-empty').waitFor();
    // The tabs answer the arrow keys, and come back.
    await page.keyboard.press('ArrowRight');
    expect(await el('connections-tab-providers').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await el('api-panel').waitFor();
  });

  it('moves to a port typed in the field, and is switched on with the keyboard', async () => {
    await el('api-port').fill('99999');
    await el('api-port').press('Enter');
    expect(await el('api-port-error').textContent()).toBe('A port is a whole number from 1 to 65535.');
    await el('api-port').fill(String(apiPort));
    await el('api-port-apply').click();
    await expect.poll(async () => (await status()).port).toBe(apiPort);
    await expect.poll(() => el('api-address').textContent()).toBe(`http://127.0.0.1:${apiPort}/v1`);

    await el('api-enabled').focus();
    await page.keyboard.press('Space');
    const url = `http://127.0.0.1:${apiPort}/v1`;
    await expect.poll(() => el('api-state').textContent()).toBe(`Running at ${url}`);
    expect(await page.getByRole('switch', { name: 'API server' }).isChecked()).toBe(true);
    // The keyboard is still on the switch: it was never disabled under it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('api-enabled');
    expect(await status()).toMatchObject({ enabled: true, running: true, port: apiPort, baseUrl: url });
    // The key was made at the first start, and the panel says where it is kept.
    expect(await el('api-key-file').textContent()).toBe(join(dataDir, 'api-key'));
    await page.screenshot({ path: join(SHOTS, 'e2e-api-server-on.png'), animations: 'disabled' });
    // The how-to snippets carry the real address and never the key.
    const snippet = await el('api-usage-code').textContent();
    expect(snippet).toContain(`curl ${url}/chat/completions`);
    expect(snippet).not.toContain(keyFile());
    // It names the model loaded now, by the id the API knows it by.
    expect(snippet).toContain('"model": "tiny-chat"');
    await el('api-usage-node').click();
    expect(await el('api-usage-code').textContent()).toContain(`baseURL: '${url}'`);
  });

  it('hides the key until asked, and copies exactly the key in the key file', async () => {
    const key = keyFile();
    expect(key).toMatch(/^\S+$/);
    expect(await el('api-key').textContent()).not.toContain(key);
    await el('api-key-show').click();
    expect(await el('api-key').textContent()).toBe(key);
    expect(await el('api-key-show').getAttribute('aria-pressed')).toBe('true');
    await el('api-key-show').click();
    expect(await el('api-key').textContent()).not.toContain(key);

    await el('api-key-copy').click();
    await expect.poll(() => el('api-key-copy').textContent()).toBe('Copied');
    expect(await clipboard()).toBe(key);
  });

  it('shows a request made with the copied key in the log without a reload, and one with a wrong key as 401', async () => {
    // Set on this page's window: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const key = await clipboard();
    const ok = await models(key);
    expect(ok.status).toBe(200);
    await expect.poll(() => rows().count()).toBe(1);
    const first = rows().first();
    expect(await first.getAttribute('data-status')).toBe('200');
    expect(await first.textContent()).toContain('GET /v1/models');
    expect(await first.textContent()).toContain('e2e-tool/1.0');

    const wrong = await models('hearth-not-the-key');
    expect(wrong.status).toBe(401);
    // Newest first: the refused request is on top, its status in colour and in words.
    await expect.poll(() => rows().count()).toBe(2);
    expect(await rows().first().getAttribute('data-status')).toBe('401');
    expect(await rows().first().getAttribute('data-tone')).toBe('refused');
    expect(await rows().first().locator('[data-testid="api-log-status"]').textContent()).toBe('401 No key or a wrong key');
    expect((await rows().first().locator('[data-testid="api-log-error"]').textContent())?.length).toBeGreaterThan(0);
    expect(await rows().nth(1).getAttribute('data-status')).toBe('200');

    // A chat completion: the log shows the model it ran on and its tokens in and out.
    const chat = await fetch(`http://127.0.0.1:${apiPort}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'User-Agent': 'e2e-tool/1.0' },
      body: JSON.stringify({ model: 'tiny-chat', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 3 }),
    });
    expect(chat.status).toBe(200);
    await expect.poll(() => rows().count()).toBe(3);
    const top = rows().first();
    expect(await top.textContent()).toContain('POST /v1/chat/completions');
    expect(await top.locator('td').nth(3).textContent()).toBe('tiny-chat');
    expect(await top.locator('td').nth(4).textContent()).toMatch(/^\d+ in, 3 out$/);
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    await el('api-log').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'e2e-api-server-log.png'), animations: 'disabled' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SHOTS, 'e2e-api-server-log-dark.png'), animations: 'disabled' });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('asks before making a new key, and the old key then gets 401', async () => {
    const old = keyFile();
    await el('api-key-regenerate').click();
    await el('api-key-confirm').waitFor();
    // The question has the keyboard; Escape takes it back to the button, with nothing changed.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('api-key-confirm-yes');
    await page.keyboard.press('Escape');
    await el('api-key-confirm').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('api-key-regenerate');
    expect(keyFile()).toBe(old);

    await page.keyboard.press('Enter');
    await el('api-key-confirm-yes').click();
    await el('api-key-renewed').waitFor();
    const renewed = keyFile();
    expect(renewed).not.toBe(old);
    expect((await status()).key).toBe(renewed);
    expect((await models(old)).status).toBe(401);
    expect((await models(renewed)).status).toBe(200);
    await el('api-key-copy').click();
    await expect.poll(() => clipboard()).toBe(renewed);
    await expect.poll(() => rows().count()).toBe(5);
    expect(await rows().first().getAttribute('data-status')).toBe('200');
    expect(await rows().nth(1).getAttribute('data-status')).toBe('401');
  });

  it('allows a web origin typed as an address, refuses one that is not, and removes it', async () => {
    await el('api-origin-input').fill('ftp://files.example');
    await el('api-origin-input').press('Enter');
    expect(await el('api-origin-error').textContent()).toBe('An origin starts with http:// or https://.');
    await el('api-origin-input').fill('https://App.Example:443/');
    await el('api-origin-input').press('Enter');
    await expect.poll(async () => (await status()).allowedOrigins).toEqual(['https://app.example']);
    expect(await el('api-origins').textContent()).toContain('https://app.example');
    expect(await el('api-origin-input').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Remove https://app.example' }).click();
    await expect.poll(async () => (await status()).allowedOrigins).toEqual([]);
    await el('api-origins-none').waitFor();
  });

  it('says in words when the port is taken, and runs again on a free one', async () => {
    const taken: Server = createServer();
    const takenPort = await new Promise<number>((resolve) => {
      taken.listen(0, '127.0.0.1', () => {
        const a = taken.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
    try {
      await el('api-port').fill(String(takenPort));
      await el('api-port-apply').click();
      // However main reports it (a refused change, or a server that could not start), the panel says so.
      const said = page.locator('[data-testid="api-port-error"], [data-testid="api-state"][data-tone="error"]');
      await said.first().waitFor();
      expect((await said.first().textContent())?.toLowerCase()).toMatch(/in use|taken|busy/);
      await page.screenshot({ path: join(SHOTS, 'e2e-api-server-port-taken.png'), animations: 'disabled' });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    await el('api-port').fill(String(apiPort));
    await el('api-port-apply').click();
    await expect.poll(() => el('api-state').textContent()).toBe(`Running at http://127.0.0.1:${apiPort}/v1`);
    expect((await models(keyFile())).status).toBe(200);
  });

  it('is switched off with a click, and then nothing answers on its port', async () => {
    await page.getByRole('switch', { name: 'API server' }).click();
    await expect.poll(() => el('api-state').textContent()).toBe('Off. No tool can reach it.');
    expect(await status()).toMatchObject({ enabled: false, running: false });
    await expect(models(keyFile())).rejects.toThrow('fetch failed');
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
