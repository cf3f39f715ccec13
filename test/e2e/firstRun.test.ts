import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../electron/models/catalog/loadCatalog';
import { launchChromium } from '../helpers/browser';
import { startFakeHub, type FakeHub } from '../helpers/fakeHub';
import type { FakeHubRepo } from '../helpers/fakeHubTypes';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, type RunningServer } from '../helpers/headlessProcess';

/**
 * A first start with no model: the chat area shows this machine and catalog models that fit it, each with its
 * licence card and a one-click download whose progress shows right there; when it ends the model is used at once.
 * The fake Hub serves every catalog repository, each with a tiny model under the catalog's suggested quantization.
 */
const SHOTS = join(ROOT, 'test-results');
let hub: FakeHub;
let server: RunningServer;
let browser: Browser;
let page: Page;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const bytes = readFileSync(tinyModel(t.dir, 'tiny.gguf', { favor: 'fire' }));
  const repos: FakeHubRepo[] = loadCatalog()
    .filter((e) => e.kind === 'chat')
    .map((e, i) => ({
      id: e.repo,
      sha: i.toString(16).padStart(40, '0'),
      license: e.license.id,
      pipelineTag: 'text-generation',
      files: [{ path: `${e.repo.split('/')[1]!.replace(/-GGUF$/i, '')}-${e.quant}.gguf`, bytes }],
    }));
  hub = await startFakeHub({ repos });
  const models = join(t.dir, 'models');
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off'], {
    env: { HF_ENDPOINT: hub.url },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
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

describe('the first run, with no model yet', () => {
  it("shows this machine's resources and two or three catalog models that fit, each licence card before its download", async () => {
    await page.goto(server.url);
    await byTestId('first-run').waitFor();
    await expect.poll(() => byTestId('machine-backend').textContent()).toBe('CPU only');
    expect(await byTestId('machine-facts').textContent()).toMatch(/Memory[\d.]+ GB free of [\d.]+ GB/);
    const picks = byTestId('first-run-pick');
    await expect.poll(() => picks.count()).toBeGreaterThanOrEqual(2);
    expect(await picks.count()).toBeLessThanOrEqual(3);
    // One per family, each saying where it runs and what its licence allows, the card above the button.
    const orderOk = await picks.evaluateAll((cards) =>
      cards.map((c) => {
        const card = c.querySelector('[data-testid="licence-card"]');
        const button = c.querySelector('[data-testid="first-run-download"]');
        return !!card && !!button && !!(card.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
      }),
    );
    expect(orderOk.every(Boolean)).toBe(true);
    expect(await picks.first().locator('[data-testid="first-run-fit"]').textContent()).toMatch(/^Runs on the CPU/);
    expect(await byTestId('composer-input').getAttribute('placeholder')).toBe('Download a model above to start chatting');
    await page.screenshot({ path: join(SHOTS, 'e2e-first-run.png'), fullPage: true });
  });

  it('downloads a recommended model in one click, with its progress right there', async () => {
    hub.setFault({ kind: 'throttle', bytesPerSecond: 200_000 });
    const pick = byTestId('first-run-pick').first();
    const repo = (await pick.getAttribute('data-repo'))!;
    await pick.locator('[data-testid="first-run-download"]').click();
    const progress = pick.locator('[data-testid="download-progress"]');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).toBe('downloading');
    await expect.poll(() => pick.locator('[data-testid="download-text"]').textContent()).toMatch(/^\d+% · .* of 1\.0 MB · /);
    await page.screenshot({ path: join(SHOTS, 'e2e-first-run-downloading.png') });
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    hub.setFault(null);
    expect(hub.requests.some((r) => r.path.startsWith(`/${repo}/resolve/`) && (r.status === 200 || r.status === 206))).toBe(true);
    // Still in view when it ends, with its Use button; the model picker has it too (main said the library changed).
    await pick.locator('[data-testid="download-use"]').waitFor();
    await expect.poll(() => byTestId('model-picker').textContent()).toMatch(/^Choose a model…/);
    await page.screenshot({ path: join(SHOTS, 'e2e-first-run-done.png') });
  });

  it('uses the downloaded model at once, and the chat answers with it', async () => {
    await byTestId('first-run-pick').first().locator('[data-testid="download-use"]').click();
    await expect.poll(() => byTestId('engine-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    await byTestId('first-run').waitFor({ state: 'detached' });
    await byTestId('composer-input').fill('Light the fire');
    await byTestId('composer-input').press('Enter');
    const answer = page.locator('[data-testid="message"][data-role="assistant"] [data-testid="message-body"]').last();
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toMatch(/fire fire/);
    await page.screenshot({ path: join(SHOTS, 'e2e-first-run-answer.png') });
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
