import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium, pickModel } from '../helpers/browser';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

interface Active {
  conversationId: string;
  messageId: string;
  content: string;
  seq: number;
}
interface Delta {
  messageId: string;
  text: string;
  seq: number;
}
interface Saved {
  messages: { id: string; content: string; status: string }[];
}

const SHOTS = join(ROOT, 'test-results');
let server: RunningServer;
let api: Awaited<ReturnType<typeof wsClient>>;
let listener: WebSocket;
let browser: Browser;
let page: Page;
let model: string;
let cleanup: () => void;
const consoleErrors: string[] = [];
/** Every delta main sent, as another client that never lost its connection saw them: message id -> texts by seq. */
const sent = new Map<string, string[]>();

/**
 * The page's socket runs through Playwright's WebSocket route, so the test can cut it as a network drop would
 * (both ends close, and reconnect attempts hang, like a connect to an unreachable host, until `restore()`), and
 * can hold main's frames back for a moment to compare the page with exactly what it was sent.
 */
const link = {
  open: [] as { page: WebSocketRoute; server: WebSocketRoute }[],
  gate: Promise.resolve(),
  restore: () => undefined as void,
  held: null as [WebSocketRoute, string | Buffer][] | null,
  /** The seq of the last delta passed to the page. */
  lastSeq: -1,
  async cut(): Promise<void> {
    this.gate = new Promise((r) => {
      this.restore = r;
    });
    for (const ends of this.open.splice(0)) {
      await ends.server.close();
      await ends.page.close();
    }
  },
  toPage(ws: WebSocketRoute, frame: string | Buffer): void {
    if (this.held) return void this.held.push([ws, frame]);
    const f = JSON.parse(frame.toString()) as { type: string; event?: string; payload?: Delta };
    if (f.event === 'chat:delta') this.lastSeq = f.payload!.seq;
    ws.send(frame);
  },
  hold(): void {
    this.held = [];
  },
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const [ws, frame] of held) this.toPage(ws, frame);
  },
};

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, 'models'), { recursive: true });
  model = tinyModel(join(t.dir, 'models'), 'says-the.gguf', { favor: 'the' });
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
  await api.call('settings:update', { temperature: 0, systemPrompt: 'Be brief.' });
  listener = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  listener.on('message', (data) => {
    const f = JSON.parse(data.toString()) as { event?: string; payload?: Delta };
    if (f.event !== 'chat:delta') return;
    const texts = sent.get(f.payload!.messageId) ?? [];
    texts[f.payload!.seq] = f.payload!.text;
    sent.set(f.payload!.messageId, texts);
  });
  await new Promise((r) => listener.once('open', r));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.routeWebSocket(/\/ws\?/, async (ws) => {
    await link.gate;
    const toServer = ws.connectToServer();
    toServer.onMessage((frame) => link.toPage(ws, frame));
    link.open.push({ page: ws, server: toServer });
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  link.restore();
  listener?.close();
  api?.close();
  await browser?.close();
  await server?.stop();
  cleanup?.();
});

// Each test writes one answer in a chat of its own.
const answer = () => page.locator('[data-testid="message"][data-role="assistant"]').first();
const bodyText = (): Promise<string> =>
  answer()
    .locator('[data-testid="message-body"]')
    .textContent()
    .then((t) => t ?? '');
const activeNow = (): Promise<Active[]> => api.call<Active[]>('chat:active');
const streamed = async (): Promise<string> => (await activeNow())[0]?.content ?? '';

async function saved(a: Active): Promise<{ content: string; status: string }> {
  const c = await api.call<Saved>('conversations:get', { id: a.conversationId });
  return c.messages.find((m) => m.id === a.messageId)!;
}

/** Starts an answer in a new chat and returns main's record of it. */
async function startAnswer(text: string): Promise<Active> {
  await page.locator('[data-testid="new-chat"]').click();
  await page.locator('[data-testid="composer-input"]').fill(text);
  await page.locator('[data-testid="composer-input"]').press('Enter');
  await expect.poll(bodyText, { timeout: 20_000 }).toMatch(/the the/);
  return (await activeNow())[0]!;
}

// A test that failed must not leave an answer running into the next one.
beforeEach(async () => {
  link.restore();
  for (const a of await activeNow()) await api.call('chat:stop', { streamId: a.messageId });
});

/**
 * Holds main's frames back, lets the page settle, and checks that it shows exactly the text of every delta up
 * to the last one it was passed: no hole, nothing twice.
 */
async function expectPageShowsAllSent(a: Active): Promise<void> {
  link.hold();
  try {
    await page.waitForTimeout(300);
    const expected = (sent.get(a.messageId) ?? []).slice(0, link.lastSeq + 1);
    expect(expected.every((t) => typeof t === 'string')).toBe(true);
    expect(await bodyText()).toBe(expected.join(''));
  } finally {
    link.release();
  }
}

async function stopAndCompare(a: Active): Promise<void> {
  await page.locator('[data-testid="stop"]').click();
  await answer().and(page.locator('[data-status="stopped"]')).waitFor();
  expect(await bodyText()).toBe((await saved(a)).content);
}

const lostBanner = () => page.locator('.banner-error', { hasText: 'Lost the connection' });

describe('the page after its connection drops and comes back', () => {
  it('picks the model', async () => {
    await page.goto(server.url);
    await pickModel(page, model);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    await api.call('settings:update', { maxTokens: 0 });
  });

  it('shows the whole answer, with no hole, when the drop fell in the middle of it', async () => {
    const a = await startAnswer('Tell me a long story');
    await link.cut();
    await lostBanner().waitFor();
    // Text streams on while the page hears nothing: this is the hole to fill.
    const atCut = (await streamed()).length;
    await expect.poll(async () => (await streamed()).length, { timeout: 20_000 }).toBeGreaterThan(atCut + 1000);
    link.restore();
    await lostBanner().waitFor({ state: 'detached' });
    const atReconnect = (await streamed()).length;
    await expect.poll(async () => (await bodyText()).length, { timeout: 20_000 }).toBeGreaterThan(atReconnect);
    await expectPageShowsAllSent(a);
    await page.screenshot({ path: join(SHOTS, 'e2e-reconnect-mid-answer.png') });
    await stopAndCompare(a);
  });

  it('shows the whole answer when the page is opened in the middle of it', async () => {
    const a = await startAnswer('And another');
    await page.reload();
    await expect.poll(async () => (await bodyText()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    // Let the answer run on well past what main had saved when the page loaded.
    await page.waitForTimeout(1200);
    await expectPageShowsAllSent(a);
    await stopAndCompare(a);
  });

  it('ends an answer whose end came while the page was cut off: Stop goes, the final text shows', async () => {
    await api.call('settings:update', { maxTokens: 300 });
    const a = await startAnswer('And a shorter one');
    await link.cut();
    await expect.poll(async () => (await activeNow()).length, { timeout: 30_000 }).toBe(0);
    expect(await page.locator('[data-testid="stop"]').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-reconnect-while-down.png') });
    link.restore();
    await page.locator('[data-testid="send"]').waitFor({ timeout: 10_000 });
    await answer().and(page.locator('[data-status="complete"]')).waitFor();
    const final = await saved(a);
    expect(final.content.trim().split(/\s+/)).toEqual(Array(300).fill('the'));
    expect(await bodyText()).toBe(final.content);
    expect(await page.locator('[data-testid="stop"]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'e2e-reconnect-after.png') });
  });

  it('showed no console errors', () => {
    // The dropped socket itself may be logged by the browser; nothing else may be.
    expect(consoleErrors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
