import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startFakeHub, type FakeHub } from '../helpers/fakeHub';
import type { FakeHubRepo } from '../helpers/fakeHubTypes';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/**
 * The model manager as a user meets it, against a fake Hub on 127.0.0.1: search, the licence and the fit before
 * the download, a download with progress (paused and resumed), and one click to answer with the new model.
 */
const SHOTS = join(ROOT, 'test-results');
const FIRE = 'hearth-test/Tiny-Fire-GGUF';
let hub: FakeHub;
let server: RunningServer;
let browser: Browser;
let page: Page;
let cleanup: () => void;
let elsewhere: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const models = join(t.dir, 'models');
  const hubFiles = join(t.dir, 'hub');
  mkdirSync(models, { recursive: true });
  mkdirSync(hubFiles, { recursive: true });
  const first = tinyModel(models, 'first.gguf', { favor: 'the' });
  // A model outside the models folder, added by its path.
  mkdirSync(join(t.dir, 'elsewhere'));
  elsewhere = tinyModel(join(t.dir, 'elsewhere'), 'my-own.gguf', { favor: 'ember' });
  const bytes = (name: string, favor: string, seed: number): Buffer => readFileSync(tinyModel(hubFiles, name, { favor, seed }));
  const repos: FakeHubRepo[] = [
    {
      id: FIRE,
      sha: '1'.repeat(40),
      license: 'apache-2.0',
      pipelineTag: 'text-generation',
      downloads: 12_345,
      likes: 67,
      lastModified: '2025-06-01T00:00:00.000Z',
      files: [
        { path: 'tiny-fire-Q8_0.gguf', bytes: bytes('q8.gguf', 'fire', 1) },
        { path: 'tiny-fire-Q4_K_M.gguf', bytes: bytes('q4.gguf', 'fire', 2) },
        { path: 'README.md', bytes: Buffer.from('# Tiny fire\n') },
      ],
    },
    {
      id: 'hearth-test/Tiny-Research-GGUF',
      sha: '2'.repeat(40),
      license: 'cc-by-nc-4.0',
      pipelineTag: 'text-generation',
      downloads: 10,
      likes: 1,
      files: [{ path: 'tiny-research-Q8_0.gguf', bytes: bytes('nc.gguf', 'ember', 3) }],
    },
  ];
  hub = await startFakeHub({ repos });
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off'], {
    env: { HF_ENDPOINT: hub.url },
  });
  const ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', { maxTokens: 12, temperature: 0, contextSize: 512 });
  await ws.call('models:load', { path: first });
  ws.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await hub?.close();
  cleanup?.();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
/** The model manager at one of its tabs, opened from the top bar when the chat is showing. */
const openTab = async (tab: string): Promise<void> => {
  if ((await byTestId('models-view').count()) === 0) await byTestId('models-open').click();
  await byTestId(`models-tab-${tab}`).click();
  await byTestId(`models-panel-${tab}`).waitFor();
};
const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe('finding, judging, downloading and switching models in the browser', () => {
  it('opens the model manager from the top bar and by keyboard, with tabs the arrow keys move through', async () => {
    await page.goto(server.url);
    await expect.poll(() => byTestId('engine-status').getAttribute('data-status')).toBe('ready');
    await byTestId('models-open').click();
    await byTestId('models-view').waitFor();
    expect(await byTestId('models-open').getAttribute('aria-pressed')).toBe('true');
    expect(await byTestId('models-tab-discover').getAttribute('aria-selected')).toBe('true');
    await byTestId('models-tab-discover').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('models-tab-downloads');
    await byTestId('models-panel-downloads').waitFor();
    await page.keyboard.press('End');
    await byTestId('models-panel-machine').waitFor();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('models-tab-discover');
    // Ctrl+Shift+M goes back to the chat and returns to the same tab.
    await page.keyboard.press('Control+Shift+M');
    await byTestId('models-view').waitFor({ state: 'detached' });
    expect(await byTestId('composer-input').isVisible()).toBe(true);
    await page.keyboard.press('Control+Shift+M');
    await byTestId('models-panel-discover').waitFor();
    // The keyboard lands in the view, on its tab, so arrows and Tab work at once.
    expect(await focused()).toBe('models-tab-discover');
  });

  it('searches the Hub, filters to commercial use, and shows the licence card before any Download button', async () => {
    await byTestId('hub-query').fill('tiny');
    await byTestId('hub-query').press('Enter');
    await expect.poll(() => byTestId('hub-result').count()).toBe(2);
    expect(await byTestId('hub-count').textContent()).toBe('2 GGUF repositories for “tiny”.');
    await page.screenshot({ path: join(SHOTS, 'e2e-models-search.png') });
    await byTestId('commercial-only').check();
    await expect.poll(() => byTestId('hub-result').count()).toBe(1);
    const result = byTestId('hub-result');
    expect(await result.textContent()).toContain(FIRE);
    expect(await result.locator('[data-testid="licence-badge"]').textContent()).toMatch(/Apache.*Permissive/);

    await result.getByRole('button', { name: `${FIRE}: see its quantizations` }).click();
    await byTestId('quant-table').waitFor({ timeout: 30_000 });
    // The focus moves to the repository's name, so a screen reader says where the user is.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(FIRE);
    const card = byTestId('repo-files').locator('[data-testid="licence-card"]');
    expect(await card.getAttribute('data-category')).toBe('permissive');
    expect(await card.locator('[data-testid="licence-commercial"]').textContent()).toMatch(/^Commercial use allowed/);
    const cardFirst = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="repo-files"] [data-testid="licence-card"]')!;
      const buttons = [...document.querySelectorAll('[data-testid="download-start"]')];
      return buttons.length > 0 && buttons.every((b) => !!(c.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));
    });
    expect(cardFirst).toBe(true);

    // Each quantization: its quality against full precision, how it runs here (this server runs on the CPU), one recommended.
    const rows = byTestId('quant-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-quant')).sort())).toEqual(['Q4_K_M', 'Q8_0']);
    expect(await page.locator('[data-testid="quant-row"][data-quant="Q8_0"] [data-testid="quant-quality"]').textContent()).toMatch(/\S/);
    await expect
      .poll(() => rows.locator('[data-testid="fit"]').evaluateAll((f) => f.map((x) => x.getAttribute('data-verdict'))))
      .toEqual(['cpu-only', 'cpu-only']);
    expect(await rows.locator('[data-testid="fit"]').first().textContent()).toMatch(/CPU only/);
    expect(await byTestId('quant-recommended').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'e2e-models-repo.png'), fullPage: true });
  });

  it('downloads with progress, pauses and resumes, and the finished model is verified and in the library', async () => {
    // Slow enough to watch: about 1 MB at 150 kB/s.
    hub.setFault({ kind: 'throttle', bytesPerSecond: 150_000 });
    const row = page.locator('[data-testid="quant-row"][data-quant="Q8_0"]');
    await row.locator('[data-testid="download-start"]').click();
    const inRow = row.locator('[data-testid="download-progress"]');
    await expect.poll(() => inRow.getAttribute('data-status')).toBe('downloading');

    await byTestId('models-tab-downloads').click();
    const item = byTestId('download').first();
    const text = item.locator('[data-testid="download-text"]');
    await expect.poll(() => text.textContent(), { timeout: 15_000 }).toMatch(/^\d+% · [\d.]+ (kB|MB) of 1\.0 MB · [\d.]+ kB\/s/);
    const value = Number(await item.locator('progress').getAttribute('value'));
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(1);
    await page.screenshot({ path: join(SHOTS, 'e2e-models-downloading.png') });

    await item.locator('[data-testid="download-pause"]').click();
    await expect.poll(() => text.textContent()).toMatch(/Paused at [\d.]+ (kB|MB) of 1\.0 MB/);
    const pausedAt = hub.requests.length;
    await item.locator('[data-testid="download-resume"]').click();
    await expect.poll(() => item.getAttribute('data-status')).toBe('downloading');
    // The resume asks only for the rest of the file.
    await expect
      .poll(() => hub.requests.slice(pausedAt).some((r) => /tiny-fire-Q8_0/.test(r.path) && /^bytes=[1-9]\d*-/.test(r.range ?? '')))
      .toBe(true);
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    hub.setFault(null);
    expect(await text.textContent()).toBe('Downloaded and verified (1.0 MB)');
    await item.locator('[data-testid="download-use"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'e2e-models-downloaded.png') });
  });

  it('shows the downloaded model in the library with what its header says and its licence card', async () => {
    await byTestId('models-tab-library').click();
    const item = page.locator('[data-testid="library-item"]', { hasText: 'tiny-fire-Q8_0.gguf' });
    await item.waitFor();
    expect(await item.textContent()).toContain(`Downloaded by Hearth from ${FIRE}`);
    await expect.poll(() => item.locator('.library-meta').textContent()).toMatch(/Architecture.*llama/i);
    await item.locator('summary').click();
    expect(await item.locator('[data-testid="licence-card"]').getAttribute('data-category')).toBe('permissive');
    await page.screenshot({ path: join(SHOTS, 'e2e-models-library.png'), fullPage: true });
  });

  it('switches to the downloaded model with one click and answers with it', async () => {
    const item = page.locator('[data-testid="library-item"]', { hasText: 'tiny-fire-Q8_0.gguf' });
    await item.locator('[data-testid="library-use"]').click();
    await item.locator('[data-testid="library-loaded"]').waitFor({ timeout: 30_000 });
    expect(await byTestId('model-picker').textContent()).toMatch(/tiny-fire-Q8_0\.gguf/);
    await byTestId('models-close').click();
    await byTestId('composer-input').fill('Light the fire');
    await byTestId('composer-input').press('Enter');
    const answer = page.locator('[data-testid="message"][data-role="assistant"] [data-testid="message-body"]').last();
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toMatch(/fire fire/);
    await page.screenshot({ path: join(SHOTS, 'e2e-models-answer.png') });
  });

  it('keeps a Hugging Face token without ever showing it back', async () => {
    await openTab('discover');
    await expect.poll(() => byTestId('hub-token-status').textContent()).toMatch(/^No token/);
    expect(await byTestId('hub-token-input').getAttribute('type')).toBe('password');
    await byTestId('hub-token-save').click();
    await expect.poll(() => page.locator('.hub-token [role="alert"]').textContent()).toBe('Paste a token into the field first.');
    await byTestId('hub-token-input').fill('hf_secret_for_the_test');
    await byTestId('hub-token-input').press('Enter');
    await expect.poll(() => byTestId('hub-token-status').textContent()).toMatch(/^A token is stored/);
    expect(await byTestId('hub-token-input').inputValue()).toBe('');
    expect(await page.content()).not.toContain('hf_secret_for_the_test');
    await byTestId('hub-token-forget').click();
    await expect.poll(() => byTestId('hub-token-status').textContent()).toMatch(/^No token/);
  });

  it('says how to add a dropped .gguf in a browser, which cannot tell where the file is, and refuses other files in words', async () => {
    const drop = (name: string): Promise<void> =>
      page.evaluate((n) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array([0x47, 0x47, 0x55, 0x46])], n));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
      }, name);
    await drop('dropped.gguf');
    await expect
      .poll(() => byTestId('drop-notice').textContent())
      .toMatch(/^A browser cannot tell Hearth where dropped\.gguf is on disk\. Put it in .*models/);
    await page.screenshot({ path: join(SHOTS, 'e2e-models-drop.png') });
    await drop('notes.txt');
    await expect
      .poll(() => byTestId('drop-notice').textContent())
      .toMatch(/^notes\.txt is not a GGUF model: only \.gguf files can be added\./);
    await byTestId('drop-notice').getByRole('button', { name: 'Open the library' }).click();
    await byTestId('models-panel-library').waitFor();
    expect(await byTestId('drop-notice').count()).toBe(0);
  });

  it("adds a GGUF by its path, saves the model's own settings, and forgets it only after a confirm", async () => {
    await openTab('library');
    await byTestId('add-model-submit').click();
    await expect.poll(() => page.locator('.add-model [role="alert"]').textContent()).toBe('Type the full path of a .gguf file first.');
    await byTestId('add-model-path').fill(elsewhere);
    await byTestId('add-model-submit').click();
    const item = page.locator('[data-testid="library-item"]', { hasText: 'my-own.gguf' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Opened from elsewhere');

    await item.locator('[data-testid="library-settings"]').click();
    const form = item.locator('[data-testid="model-settings"]');
    await form.locator('[data-testid="ms-context"]').fill('1024');
    await form.locator('[data-testid="ms-threads"]').fill('0');
    await form.locator('[data-testid="ms-save"]').click();
    await expect.poll(() => form.locator('[role="alert"]').textContent()).toBe('Threads must be a whole number from 1 to 256.');
    await form.locator('[data-testid="ms-threads"]').fill('');
    await form.locator('[data-testid="ms-save"]').click();
    await expect.poll(() => form.locator('output').textContent()).toBe('Saved.');
    const api = await wsClient(server.port, server.token);
    const listed = await api.call<{ path: string; settings: { contextSize: number | null; threads: number | null } }[]>('models:list');
    expect(listed.find((m) => m.path === elsewhere)?.settings).toMatchObject({ contextSize: 1024, threads: null });
    await item.locator('[data-testid="fit-check"]').click();
    await expect
      .poll(() => item.locator('[data-testid="library-fit"]').textContent(), { timeout: 30_000 })
      .toMatch(/CPU only.*1,024 tokens of context/);
    await page.screenshot({ path: join(SHOTS, 'e2e-models-settings.png'), fullPage: true });

    // Escape keeps it; the confirm forgets it, and the file stays where it is.
    await item.locator('[data-testid="library-delete"]').click();
    await item.locator('[data-testid="library-delete-confirm"]').waitFor();
    expect(await item.locator('[data-testid="library-delete-confirm"]').textContent()).toMatch(
      /Forget my-own\.gguf\? The file stays where it is\./,
    );
    await page.keyboard.press('Escape');
    await item.locator('[data-testid="library-delete-confirm"]').waitFor({ state: 'detached' });
    await item.locator('[data-testid="library-delete"]').click();
    await item.locator('[data-testid="library-delete-yes"]').click();
    await item.waitFor({ state: 'detached' });
    expect((await api.call<{ path: string }[]>('models:list')).some((m) => m.path === elsewhere)).toBe(false);
    expect(existsSync(elsewhere)).toBe(true);
    api.close();
  });

  it('unloads the model in use from the library', async () => {
    const item = page.locator('[data-testid="library-item"]', { hasText: 'tiny-fire-Q8_0.gguf' });
    await item.locator('[data-testid="library-unload"]').click();
    await expect.poll(() => byTestId('engine-status').getAttribute('data-status')).toBe('none');
    await item.locator('[data-testid="library-loaded"]').waitFor({ state: 'detached' });
    await item.locator('[data-testid="library-use"]').waitFor();
  });

  it('moves the models folder, and the library follows it, then back to the default', async () => {
    const folder = byTestId('models-folder');
    const before = (await folder.textContent())!;
    expect(await page.locator('.models-folder').textContent()).toContain('(the default)');
    await byTestId('models-folder-change').click();
    expect(await focused()).toBe('models-folder-input');
    const moved = join(before, '..', 'other-models');
    await byTestId('models-folder-input').fill(moved);
    await byTestId('models-folder-input').press('Enter');
    await expect.poll(() => folder.textContent()).toBe(moved);
    // The new folder is empty: the old folder's models leave the list.
    await expect.poll(() => page.locator('[data-testid="library-item"]', { hasText: 'first.gguf' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Use the default folder' }).click();
    await expect.poll(() => folder.textContent()).toBe(before);
    await page.locator('[data-testid="library-item"]', { hasText: 'first.gguf' }).waitFor();
    await byTestId('models-folder-change').click();
    await byTestId('models-folder-input').fill('relative/path');
    await byTestId('models-folder-input').press('Enter');
    await expect.poll(() => page.locator('.models-folder [role="alert"]').textContent()).toBe('Give the full path of the models folder.');
  });

  it('cancels a download, offers it again, and dismisses it from the list', async () => {
    await openTab('discover');
    await byTestId('hub-query').fill('fire');
    await byTestId('hub-query').press('Enter');
    await byTestId('hub-result').first().getByRole('button').click();
    hub.setFault({ kind: 'throttle', bytesPerSecond: 100_000 });
    await page.locator('[data-testid="quant-row"][data-quant="Q4_K_M"] [data-testid="download-start"]').click();
    await openTab('downloads');
    const item = page.locator('[data-testid="download"]', { hasText: 'tiny-fire-Q4_K_M.gguf' });
    await expect.poll(() => item.getAttribute('data-status')).toBe('downloading');
    await item.locator('[data-testid="download-cancel"]').click();
    await expect.poll(() => item.getAttribute('data-status')).toBe('cancelled');
    hub.setFault(null);
    expect(await item.locator('[data-testid="download-text"]').textContent()).toBe('Cancelled; the partial file was deleted.');
    await item.locator('[data-testid="download-again"]').waitFor();
    await item.locator('[data-testid="download-dismiss"]').click();
    await item.waitFor({ state: 'detached' });
    const api = await wsClient(server.port, server.token);
    expect((await api.call<{ file: string }[]>('downloads:list')).some((d) => d.file === 'tiny-fire-Q4_K_M.gguf')).toBe(false);
    api.close();
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
