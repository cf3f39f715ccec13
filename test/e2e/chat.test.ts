import { copyFileSync, mkdirSync } from 'node:fs';
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
let hostile: string;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, 'models'), { recursive: true });
  model = tinyModel(join(t.dir, 'models'), 'hearth-test-says-the.gguf', { favor: 'the' });
  hostile = tinyModel(join(t.dir, 'models'), 'hostile.gguf', { favor: '<img src=x onerror=alert(1)>' });
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
  await updateSettings({ maxTokens: 800, temperature: 0, systemPrompt: 'Be brief.' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
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

/** Changes settings over the API, as another window of the same user would. */
async function updateSettings(patch: Record<string, unknown>): Promise<void> {
  const api = await wsClient(server.port, server.token);
  await api.call('settings:update', patch);
  api.close();
}

/** Records every distinct text the streaming answer shows, from the DOM itself. */
async function watchStreamingRenders(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __renders: string[] };
    w.__renders = [];
    new MutationObserver(() => {
      const body = document.querySelector('[data-role="assistant"][data-status="streaming"] [data-testid="message-body"]');
      const text = body?.textContent ?? '';
      if (text && w.__renders.at(-1) !== text) w.__renders.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const renders = (): Promise<string[]> => page.evaluate(() => (window as unknown as { __renders: string[] }).__renders);
const assistant = (n: number) => page.locator('[data-testid="message"][data-role="assistant"]').nth(n);

describe('chat in the browser against npm run serve', () => {
  it('opens the page, picks the model, and streams an answer in', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.url()).not.toContain('token=');
    await pickModel(page, model);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="test-model-banner"]').textContent()).toMatch(/random-weights test model/);

    await watchStreamingRenders();
    await page.locator('[data-testid="composer-input"]').fill('Tell me about the hearth');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await assistant(0).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    const partials = await renders();
    const final = (await assistant(0).locator('[data-testid="message-body"]').textContent())!;
    expect(final.trim().split(/\s+/)).toEqual(Array(800).fill('the'));
    const partialOnly = partials.filter((t) => t.length < final.length);
    expect(partialOnly.length).toBeGreaterThanOrEqual(3);
    // Every render extends the one before: text is appended, never replaced.
    expect(partialOnly.every((t, i) => i === 0 || t.startsWith(partialOnly[i - 1]!))).toBe(true);
    await expect.poll(() => assistant(0).locator('.message-stats').textContent()).toMatch(/800 tokens/);
    // The answer outgrew the view and the view followed it to the end.
    const scroll = await page
      .locator('[data-testid="messages"]')
      .evaluate((el) => ({ overflow: el.scrollHeight - el.clientHeight, fromEnd: el.scrollHeight - el.scrollTop - el.clientHeight }));
    expect(scroll.overflow).toBeGreaterThan(100);
    expect(scroll.fromEnd).toBeLessThan(40);
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-light.png') });
    await page.locator('[data-testid="messages"]').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-top.png') });
  });

  it('stops a second answer and keeps what was written', async () => {
    await updateSettings({ maxTokens: 0 });
    await watchStreamingRenders();
    await page.locator('[data-testid="composer-input"]').fill('Now go on for ever');
    await page.locator('[data-testid="send"]').click();
    await expect.poll(async () => (await renders()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await page.locator('[data-testid="stop"]').click();
    await assistant(1).and(page.locator('[data-status="stopped"]')).waitFor();
    const kept = (await assistant(1).locator('[data-testid="message-body"]').textContent())!;
    expect(kept).toMatch(/^(\s?the)+$/);
    expect(kept.length).toBeGreaterThanOrEqual((await renders())[2]!.length);
    await expect.poll(() => page.locator('[data-testid="send"]').isVisible()).toBe(true);
  });

  it('finds the conversation with both answers after a reload', async () => {
    await page.reload();
    await page.locator('[data-testid="conversation-item"]').first().waitFor();
    expect(await page.locator('[data-testid="conversation-item"]').allTextContents()).toEqual(['Tell me about the hearth']);
    await page.locator('[data-testid="conversation-item"]').first().click();
    await assistant(1).waitFor();
    const statuses = await page
      .locator('[data-testid="message"]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-role')}:${e.getAttribute('data-status')}`));
    expect(statuses).toEqual(['user:complete', 'assistant:complete', 'user:complete', 'assistant:stopped']);
    expect((await assistant(1).locator('[data-testid="message-body"]').textContent())!.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-after-reload.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-dark.png') });
    if (process.env.HEARTH_UPDATE_SCREENSHOT) copyFileSync(join(SHOTS, 'e2e-chat-top.png'), join(ROOT, 'docs/screenshot.png'));
  });

  it('stops following the answer when the reader scrolls up, and follows again at the end', async () => {
    await updateSettings({ maxTokens: 1000 });
    await watchStreamingRenders();
    await page.locator('[data-testid="composer-input"]').fill('One more, please');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await expect.poll(async () => (await renders()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const messages = page.locator('[data-testid="messages"]');
    await messages.hover();
    await page.mouse.wheel(0, -600);
    await assistant(2).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const fromEnd = await messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    expect(fromEnd).toBeGreaterThan(300);
    await page.mouse.wheel(0, 100_000);
    await expect.poll(() => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(40);
  });

  it('shows hostile model output as text: no element is made and no script runs', async () => {
    // The answer length is set through the settings panel, as a person would.
    await page.locator('[data-testid="settings-open"]').click();
    await page.locator('[data-testid="settings-max-tokens"]').fill('20');
    await page.screenshot({ path: join(SHOTS, 'e2e-settings.png') });
    await page.locator('[data-testid="settings-save"]').click();
    await page.locator('[data-testid="settings-panel"]').waitFor({ state: 'detached' });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.locator('[data-testid="new-chat"]').click();
    await pickModel(page, hostile);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await page.locator('[data-testid="composer-input"]').fill('Say something');
    await page.locator('[data-testid="composer-input"]').press('Enter');
    await assistant(0).and(page.locator('[data-status="complete"]')).waitFor();
    const body = assistant(0).locator('[data-testid="message-body"]');
    expect(await body.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('[data-testid="messages"] img').count()).toBe(0);
    await expect.poll(() => assistant(0).locator('[data-stat="tokens"]').textContent()).toMatch(/^20 tokens/);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
  });

  it('renames a chat in place and deletes one after a confirmation', async () => {
    const row = (title: string) => page.locator('[data-testid="conversation-row"]', { hasText: title });
    const titles = () => page.locator('[data-testid="conversation-item"]').allTextContents();
    expect(await titles()).toEqual(['Say something', 'Tell me about the hearth']);

    // Escape leaves the title alone; Enter saves it, and it is still there after a reload.
    await page.emulateMedia({ colorScheme: 'light' });
    await row('Tell me about the hearth').hover();
    await page.screenshot({ path: join(SHOTS, 'e2e-row-actions.png'), clip: { x: 0, y: 0, width: 400, height: 240 } });
    await row('Tell me about the hearth').locator('[data-testid="rename-chat"]').click();
    await page.locator('[data-testid="rename-input"]').fill('Not this');
    await page.locator('[data-testid="rename-input"]').press('Escape');
    expect(await titles()).toEqual(['Say something', 'Tell me about the hearth']);
    await row('Tell me about the hearth').hover();
    await row('Tell me about the hearth').locator('[data-testid="rename-chat"]').click();
    await page.locator('[data-testid="rename-input"]').fill('  Hearth stories  ');
    await page.locator('[data-testid="rename-input"]').press('Enter');
    await expect.poll(titles).toContain('Hearth stories');
    await page.reload();
    await expect.poll(titles).toEqual(['Hearth stories', 'Say something']);

    // The open chat: Cancel keeps it; Delete removes it, closes it, and the server no longer has it.
    await page.locator('[data-testid="conversation-item"]', { hasText: 'Say something' }).click();
    await assistant(0).waitFor();
    const api = await wsClient(server.port, server.token);
    const before = await api.call<{ id: string; title: string }[]>('conversations:list');
    const doomed = before.find((c) => c.title === 'Say something')!;
    await row('Say something').locator('[data-testid="delete-chat"]').click();
    await page.locator('[data-testid="delete-confirm"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'e2e-delete-confirm.png') });
    await page.locator('[data-testid="delete-confirm"] button', { hasText: 'Cancel' }).click();
    expect(await titles()).toEqual(['Hearth stories', 'Say something']);
    await row('Say something').locator('[data-testid="delete-chat"]').click();
    await page.locator('[data-testid="delete-confirm-yes"]').click();
    await expect.poll(titles).toEqual(['Hearth stories']);
    await expect.poll(() => page.locator('.empty h2').textContent()).toBe('Start a new chat');
    expect((await api.call<{ title: string }[]>('conversations:list')).map((c) => c.title)).toEqual(['Hearth stories']);
    await expect(api.call('conversations:get', { id: doomed.id })).rejects.toThrow(/does not exist/);
    api.close();
    await page.screenshot({ path: join(SHOTS, 'e2e-after-delete.png') });
  });

  it('showed no console errors (CSP violations, failed requests, React warnings)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
