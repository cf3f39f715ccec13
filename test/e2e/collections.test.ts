import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { pdfBytes, type PdfPage } from '../helpers/corpus';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/**
 * Document Q&A as a user meets it in the browser: a collection made from a folder (Markdown, text, a PDF with
 * pages, an encrypted and a broken PDF), its ingestion watched to the end with the 1M tiny model embedding, a long ingestion
 * cancelled and resumed, the collection attached to a chat, an answer whose [1] markers open the cited passage in
 * the viewer, and the "nothing relevant" line. The chat model favours "[1]", so its answers cite.
 */
const SHOTS = join(ROOT, 'test-results');
const ARCHIVE_FILES = 80;
let server: RunningServer;
let browser: Browser;
let page: Page;
let cleanup: () => void;
let household: string;
let archive: string;
let embedPath: string;
const consoleErrors: string[] = [];
/** While set, the page's calls that attach collections reach the server late, as on a busy machine. */
let slowAttach = false;

const MANUAL: PdfPage[] = [
  { title: 'Heating manual', paragraphs: ['Chapter one introduces the heating system and its parts.'] },
  { title: 'Thermostat', paragraphs: ['To reset the thermostat, hold the reset button for ten seconds until the light blinks twice.'] },
  { title: 'Warranty terms', paragraphs: ['Keep the receipt; the warranty lasts five years from the day of purchase.'] },
];

/** Filler notes, different enough that each is its own document with a few passages. */
const note = (i: number): string =>
  Array.from(
    { length: 12 },
    (_, j) => `Archive note ${i}, line ${j}: receipts, letters and lists kept for the year ${1990 + ((i + j) % 30)}.`,
  ).join('\n');

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const models = join(t.dir, 'models');
  mkdirSync(models, { recursive: true });
  const chat = tinyModel(models, 'cites.gguf', { favor: '[1]' });
  embedPath = tinyModel(models, 'embed.gguf');

  household = join(t.dir, 'household');
  mkdirSync(household);
  writeFileSync(
    join(household, 'boiler.md'),
    '# Boiler\n\n## Service\n\nThe boiler is serviced every spring by a certified engineer.\n\n## Pressure\n\nThe gauge should read 1.5 bar when the heating is cold.\n',
  );
  writeFileSync(join(household, 'garden.txt'), 'The garden hose hangs in the shed, behind the door, next to the rake.\n');
  writeFileSync(join(household, 'manual.pdf'), await pdfBytes(MANUAL, { outline: true }));
  // An encrypted PDF and one cut off after its header: each fails with its reason in words, and the rest indexes.
  writeFileSync(join(household, 'locked.pdf'), await pdfBytes(MANUAL, { outline: false, userPassword: 'secret' }));
  writeFileSync(join(household, 'broken.pdf'), '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R');

  archive = join(t.dir, 'archive');
  mkdirSync(archive);
  for (let i = 0; i < ARCHIVE_FILES; i++) writeFileSync(join(archive, `note-${String(i).padStart(3, '0')}.txt`), note(i));

  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  const ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', { maxTokens: 6, temperature: 0, contextSize: 2048 });
  await ws.call('models:load', { path: chat });
  ws.close();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.routeWebSocket(/\/ws/, (ws) => {
    const toServer = ws.connectToServer();
    ws.onMessage((frame) => {
      if (slowAttach && /"channel":"conversations:(create|setCollections)"/.test(String(frame)))
        setTimeout(() => toServer.send(frame), 400);
      else toServer.send(frame);
    });
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
/** Polls what the page shows; what it waits on crosses the socket and the engine, so it gets time on a loaded machine. */
const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout });
const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const ingestState = (): Promise<string | null> => byTestId('ingest').getAttribute('data-state');
const documentRow = (name: string) => page.locator(`[data-testid="document"][data-name="${name}"]`);

/** Creates a collection from the Collections view and waits until it is the one shown. */
async function createCollection(name: string): Promise<void> {
  await byTestId('collection-name').fill(name);
  await byTestId('collection-create').click();
  await poll(() => byTestId('collection-title').textContent()).toBe(name);
}

/** Records every state and line the ingestion shows, so a state shown for one frame is still seen. */
async function recordIngest(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { ingestSeen: string[] }).ingestSeen = seen;
    const note = (): void => {
      const el = document.querySelector('[data-testid="ingest"]');
      const line = `${el?.getAttribute('data-state')}|${el?.querySelector('[data-testid="ingest-text"]')?.textContent ?? ''}`;
      if (seen.at(-1) !== line) seen.push(line);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}
const ingestSeen = (): Promise<string[]> => page.evaluate(() => (window as unknown as { ingestSeen: string[] }).ingestSeen);

describe('document Q&A in the browser', () => {
  it('opens the Collections view from the top bar, with the keyboard in it', async () => {
    await page.goto(server.url);
    await poll(() => byTestId('engine-status').getAttribute('data-status')).toBe('ready');
    await byTestId('collections-open').click();
    await byTestId('collections-view').waitFor();
    expect(await byTestId('collections-open').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('collections-heading');
    expect(await byTestId('collections-empty').textContent()).toMatch(/No collections yet/);
    // The chat is kept, hidden, behind it.
    expect(await byTestId('composer-input').isVisible()).toBe(false);
  });

  it('creates a collection from a folder with the tiny model embedding, and shows its ingestion to the end', async () => {
    await byTestId('embedding-model').selectOption(embedPath);
    await poll(() => byTestId('embedding-model').inputValue()).toBe(embedPath);
    expect(await byTestId('embedding-model-error').count()).toBe(0);
    await createCollection('Household');
    await recordIngest();
    await byTestId('source-path').fill(household);
    await byTestId('source-add').click();
    await poll(() => byTestId('source').getAttribute('data-path')).toBe(household);
    expect(await byTestId('source-watched').textContent()).toBe('watched');

    await poll(ingestState, 60_000).toBe('idle');
    await poll(() => page.locator('[data-testid="document"]').count()).toBe(5);
    await poll(() => documentRow('manual.pdf').getAttribute('data-status'), 30_000).toBe('indexed');
    expect(await documentRow('manual.pdf').locator('[data-testid="document-detail"]').textContent()).toMatch(/^3 pages · \d+ passages? · /);
    expect(await documentRow('boiler.md').getAttribute('data-status')).toBe('indexed');
    expect(await documentRow('garden.txt').getAttribute('data-status')).toBe('indexed');
    // The locked and the broken PDF say why, in words, and neither is "indexed, 0 chunks".
    for (const name of ['locked.pdf', 'broken.pdf']) {
      expect(await documentRow(name).getAttribute('data-status')).toBe('failed');
      const reason = (await documentRow(name).locator('[data-testid="document-detail"]').textContent()) ?? '';
      expect(reason.length).toBeGreaterThan(5);
      expect(reason).not.toMatch(/\b0 (chunks|passages)\b/);
    }
    expect(await documentRow('locked.pdf').locator('[data-testid="document-detail"]').textContent()).toMatch(/password|encrypt/i);
    await poll(() => byTestId('collection-stats').textContent()).toMatch(
      /^5 documents · \d+ passages · 2 failed · embedded with embed\.gguf \(128 dimensions\)$/,
    );

    // The run was shown while it ran: files done of found, then up to date.
    const seen = await ingestSeen();
    const running = seen.findIndex((s) => /^(scanning|indexing)\|/.test(s));
    expect(running).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toMatch(/^idle\|Up to date/);
    expect(seen.slice(running).some((s) => /^indexing\|\d+% · \d+ of \d+ files? · \d+ chunks?/.test(s))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-indexed.png'), fullPage: true });
  });

  it('cancels a long ingestion from its progress bar, keeps what was done, and goes on with "Check for changes"', async () => {
    await createCollection('Archive');
    await byTestId('source-path').fill(archive);
    await byTestId('source-add').click();
    await poll(ingestState, 30_000).toBe('indexing');
    await byTestId('ingest-bar').waitFor();
    expect(await byTestId('ingest-bar').getAttribute('aria-label')).toBe('Indexing Archive');
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-progress.png') });

    await byTestId('ingest-cancel').click();
    await poll(ingestState).toBe('cancelled');
    expect(await byTestId('ingest-text').textContent()).toMatch(new RegExp(`^Cancelled after \\d+ of ${ARCHIVE_FILES} files\\.`));
    // One button that changed its job: the keyboard is still on it.
    expect(await focused()).toBe('ingest-reindex');
    const waiting = await page.locator('[data-testid="document"][data-status="pending"]').count();
    expect(waiting).toBeGreaterThan(0);

    await recordIngest();
    await page.keyboard.press('Enter');
    await poll(ingestState, 90_000).toBe('idle');
    // While it ran the line said the rate and the time left.
    expect(
      (await ingestSeen()).some((line) => /^indexing\|\d+% · \d+ of 80 files · [\d,]+ chunks · [\d.]+ chunks\/s · .+ left$/.test(line)),
    ).toBe(true);
    await poll(() => byTestId('collection-stats').textContent(), 30_000).toMatch(
      new RegExp(`^${ARCHIVE_FILES} documents · \\d+ passages · embedded with`),
    );
    // The list follows the run's end (collections:changed), which may come a moment after the last progress.
    await poll(() => page.locator('[data-testid="document"][data-status="indexed"]').count()).toBe(ARCHIVE_FILES);
  });

  it('attaches the collection to a new chat, and the answer cites [1] as a button that opens the passage', async () => {
    await byTestId('collections-close').click();
    await byTestId('collections-view').waitFor({ state: 'detached' });
    await byTestId('new-chat').click();
    await byTestId('attach-open').click();
    await byTestId('attach-popover').waitFor();
    const household = page
      .locator('[data-testid="attach-option"]')
      .nth(
        await page
          .locator('[data-testid="attach-option"]')
          .evaluateAll((els) => els.findIndex((e) => e.closest('label')?.textContent?.includes('Household'))),
      );
    await household.check();
    await poll(() => byTestId('attached-chip').textContent()).toMatch(/^Household/);
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-attach.png') });
    // Escape closes the list and gives the keyboard back to its button.
    await household.focus();
    await page.keyboard.press('Escape');
    await byTestId('attach-popover').waitFor({ state: 'detached' });
    expect(await focused()).toBe('attach-open');

    await byTestId('composer-input').fill('How do I reset the thermostat?');
    await page.keyboard.press('Enter');
    const answer = page.locator('[data-testid="message"][data-role="assistant"]');
    await poll(() => answer.getAttribute('data-status'), 60_000).toBe('complete');
    const marks = answer.locator('[data-testid="citation-mark"]');
    await poll(() => marks.count()).toBeGreaterThan(0);
    const first = marks.first();
    const label = (await first.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Source 1: .+/);
    // Every passage the answer was given is listed under it, by number, file and page, with its snippet: three,
    // then the rest behind a button.
    const sources = answer.locator('[data-testid="citation"]');
    await poll(() => sources.count()).toBe(3);
    const more = answer.locator('[data-testid="sources-more"]');
    expect(await more.textContent()).toMatch(/^Show all \d+ sources$/);
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    expect(await sources.count()).toBeGreaterThan(3);
    const places = await sources.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(places[0]).toBe(`${label}. Show in the document`);
    expect(places.some((p) => p?.endsWith('manual.pdf, page 2. Show in the document'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-answer.png') });

    // [1] by keyboard: its popover says where the passage is and what it says.
    await first.focus();
    await page.keyboard.press('Enter');
    const popover = byTestId('citation-popover');
    await popover.waitFor();
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    expect(await popover.textContent()).toContain(label.slice('Source 1: '.length));
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-popover.png') });
    await popover.locator('[data-testid="citation-open"]').click();
    const viewer = byTestId('citation-viewer');
    await viewer.waitFor();
    await poll(() => byTestId('viewer-mark').count()).toBe(1);
    expect((await byTestId('viewer-mark').textContent())?.trim().length).toBeGreaterThan(0);
    // A browser cannot open the file in another app: it is told where the file is instead.
    expect(await byTestId('viewer-open-external').count()).toBe(0);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(label);
  });

  it("opens a PDF's cited page in the viewer with the passage marked", async () => {
    const answer = page.locator('[data-testid="message"][data-role="assistant"]');
    const pageTwo = answer.locator('[data-testid="citation"]').filter({ hasText: 'manual.pdf, page 2' });
    await pageTwo.click();
    await byTestId('citation-viewer').waitFor();
    expect(await byTestId('viewer-place').textContent()).toMatch(/^Page 2 of 3\b/);
    await poll(() => byTestId('viewer-mark').textContent()).toContain('reset the thermostat');
    // The page's own text is shown, not the other pages'.
    const text = (await byTestId('viewer-text').textContent()) ?? '';
    expect(text).not.toContain('the warranty lasts');
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-viewer.png') });
    await byTestId('viewer-close').click();
    await byTestId('citation-viewer').waitFor({ state: 'detached' });
  });

  it('says so when the attached collections hold nothing relevant', async () => {
    await byTestId('collections-open').click();
    await createCollection('Empty');
    await byTestId('collections-close').click();
    await byTestId('new-chat').click();
    await byTestId('attach-open').click();
    const options = page.locator('[data-testid="attach-option"]');
    const at = await options.evaluateAll((els) => els.findIndex((e) => e.closest('label')?.textContent?.includes('Empty')));
    slowAttach = true;
    await options.nth(at).check();
    // Sent at once, while attaching still makes the conversation: the message waits for it and goes there.
    await page.keyboard.press('Escape');
    await byTestId('composer-input').fill('What is in here?');
    await page.keyboard.press('Enter');
    await poll(() => byTestId('attached-chip').textContent()).toMatch(/^Empty/);
    const answer = page.locator('[data-testid="message"][data-role="assistant"]');
    await poll(() => answer.getAttribute('data-status'), 60_000).toBe('complete');
    slowAttach = false;
    await poll(() => answer.locator('[data-testid="no-passages"]').count()).toBe(1);
    expect(await answer.locator('[data-testid="citation"]').count()).toBe(0);
    // The answer's [1] has no source behind it: plain text, not a button.
    expect(await answer.locator('[data-testid="citation-mark"]').count()).toBe(0);
    // One conversation for the attach and the message, not one each.
    await poll(() => page.locator('[data-testid="conversation-item"]').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-nothing.png') });
  });

  it('renames a collection, and deletes one only after a confirm', async () => {
    await byTestId('collections-open').click();
    const archiveItem = page.locator('[data-testid="collection-item"]').filter({ hasText: 'Archive' });
    await archiveItem.click();
    await byTestId('collection-rename').click();
    expect(await focused()).toBe('collection-rename-input');
    await byTestId('collection-rename-input').fill('Old archive');
    await page.keyboard.press('Enter');
    await poll(() => byTestId('collection-title').textContent()).toBe('Old archive');

    await byTestId('collection-delete').click();
    await byTestId('collection-delete-confirm').waitFor();
    expect(await byTestId('collection-delete-confirm').textContent()).toContain('Your files are not touched');
    await page.keyboard.press('Escape');
    await byTestId('collection-delete-confirm').waitFor({ state: 'detached' });
    await byTestId('collection-delete').click();
    await byTestId('collection-delete-yes').click();
    await poll(() => page.locator('[data-testid="collection-item"]').allTextContents()).not.toContainEqual(
      expect.stringContaining('Old archive'),
    );
    await page.screenshot({ path: join(SHOTS, 'e2e-collections-view.png'), fullPage: true });
  });

  it('showed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
