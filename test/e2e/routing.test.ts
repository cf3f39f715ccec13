import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../renderer/features/router/routeText';
import { launchChromium, pickModel } from '../helpers/browser';
import { type FakeProvider, startFakeProvider } from '../helpers/fakeProvider';
import { ROOT, tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

/**
 * Remote providers, routing, run elsewhere, compare and the routing log, as a user meets them: the built headless
 * server with the tiny model, a fake OpenAI-compatible provider on 127.0.0.1, and Chromium.
 */
const SHOTS = join(ROOT, 'test-results');
const KEY = 'sk-fake-key';
const REPLY = 'Hello from far away.';
let server: RunningServer;
let fake: FakeProvider;
let browser: Browser;
let page: Page;
let model: string;
let cleanup: () => void;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const models = join(t.dir, 'models');
  mkdirSync(models, { recursive: true });
  model = tinyModel(models, 'hearth-test-says-the.gguf', { favor: 'the' });
  fake = await startFakeProvider({ key: KEY, models: ['fake-large'], reply: REPLY });
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
  await updateSettings({ maxTokens: 12, temperature: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
  cleanup?.();
});

/** What the fake's n-th chat request cost at $2 in and $8 out per million tokens, by the usage the fake reports. */
function costOf(n: number): number {
  const body = fake.chatRequests()[n]!.body as { messages: { content: string }[] };
  const prompt = body.messages.reduce((sum, m) => sum + m.content.split(/\s+/).filter(Boolean).length, 0);
  return (prompt * 2 + REPLY.split(' ').length * 8) / 1e6;
}

/** Changes settings over the API, as another window of the same user would. */
async function updateSettings(patch: Record<string, unknown>): Promise<void> {
  const ws = await wsClient(server.port, server.token);
  await ws.call('settings:update', patch);
  ws.close();
}

const answers = () => page.locator('[data-testid="message"][data-role="assistant"]');
const users = () => page.locator('[data-testid="message"][data-role="user"]');
const lastAnswer = () => answers().last();

async function send(text: string): Promise<void> {
  const before = await answers().count();
  await page.locator('[data-testid="composer-input"]').fill(text);
  await page.locator('[data-testid="composer-input"]').press('Enter');
  await expect.poll(() => answers().count()).toBe(before + 1);
  await lastAnswer().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
}

async function openTab(tab: 'providers' | 'routing'): Promise<void> {
  if ((await page.locator('[data-testid="connections-open"]').getAttribute('aria-pressed')) !== 'true') {
    await page.locator('[data-testid="connections-open"]').click();
  }
  await page.locator(`[data-testid="connections-tab-${tab}"]`).click();
}

async function backToChat(): Promise<void> {
  await page.locator('[data-testid="connections-open"]').click();
  await page.locator('[data-testid="composer-input"]').waitFor();
}

/** Opens the route picker, does `fn` in it, and closes it with Escape. */
async function inRoutePicker(fn: () => Promise<void>): Promise<void> {
  await page.locator('[data-testid="route-picker"]').click();
  await page.locator('[data-testid="route-popover"]').waitFor();
  await fn();
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="route-popover"]').waitFor({ state: 'detached' });
}

describe('remote providers and routing in the browser', () => {
  it('says nothing leaves the machine, then adds a provider with its key and models, checks it and enables it', async () => {
    await page.goto(server.url);
    await pickModel(page, model);
    await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();

    await openTab('providers');
    await page.locator('[data-testid="providers-empty"]').waitFor();
    expect(await page.locator('[data-testid="providers-state"]').textContent()).toMatch(
      /^Nothing leaves this machine: no provider is enabled/,
    );

    await page.locator('[data-testid="provider-add"]').click();
    // The form takes the focus at its first field.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('provider-name');
    await page.locator('[data-testid="provider-name"]').fill('Fake Cloud');
    await page.locator('[data-testid="provider-url"]').fill(fake.baseUrl);
    // A wrong key first: Check must say so in words.
    await page.locator('[data-testid="provider-key"]').fill('sk-wrong');
    expect(await page.locator('[data-testid="provider-key"]').getAttribute('type')).toBe('password');
    await page.locator('[data-testid="provider-model-id"]').fill('fake-large');
    await page.locator('[data-testid="provider-model-input"]').fill('2');
    await page.locator('[data-testid="provider-model-output"]').fill('8');
    await page.locator('[data-testid="provider-save"]').click();
    const card = page.locator('[data-testid="provider"]');
    await card.waitFor();
    expect(await card.getAttribute('data-enabled')).toBe('false');
    expect(await card.textContent()).toContain('A key is stored, not shown.');
    expect(await card.textContent()).toContain('$2.00 in · $8.00 out per million tokens');
    expect(await page.locator('[data-testid="providers-state"]').textContent()).toMatch(/^Nothing leaves this machine/);

    await card.locator('[data-testid="provider-check-run"]').click();
    const check = card.locator('[data-testid="provider-check"]');
    await check.waitFor();
    expect(await check.getAttribute('class')).toContain('provider-check-bad');
    const refused = (await check.textContent())!;
    expect(refused).toMatch(/key/i);
    // The key it was given is never shown back (the fake's 401 repeats it, as OpenAI's does).
    expect(refused).not.toContain('sk-wrong');

    // The stored key is never shown; it can be replaced.
    await card.locator('[data-testid="provider-edit"]').click();
    const form = page.locator('[data-testid="provider-form"]');
    expect(await form.locator('[data-testid="provider-key-stored"]').textContent()).toBe('A key is stored, not shown.');
    expect(await form.locator('[data-testid="provider-key"]').count()).toBe(0);
    await form.locator('[data-testid="provider-key-replace"]').click();
    await form.locator('[data-testid="provider-key"]').fill(KEY);
    await form.locator('[data-testid="provider-enabled"]').check();
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-provider-form.png') });
    await form.locator('[data-testid="provider-save"]').click();
    await form.waitFor({ state: 'detached' });
    expect(await card.getAttribute('data-enabled')).toBe('true');
    expect(await page.locator('[data-testid="providers-state"]').textContent()).toMatch(/may send their messages to the enabled providers/);

    await card.locator('[data-testid="provider-check-run"]').click();
    await expect.poll(() => card.locator('[data-testid="provider-check"]').getAttribute('class')).toContain('provider-check-ok');
    expect(await card.locator('[data-testid="provider-check"]').textContent()).toBe('Fake Cloud answered and lists 1 model.');

    // The default remote model, for chats that name none.
    const ws = await wsClient(server.port, server.token);
    const providers = await ws.call<{ id: string }[]>('providers:list');
    ws.close();
    await page.locator('[data-testid="default-remote"]').selectOption(`${providers[0]!.id}\nfake-large`);
    await page.locator('[data-testid="routing-save"]').click();
    await page.locator('[data-testid="routing-settings"] output', { hasText: 'Saved' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-providers.png') });
    // Only the checks went out so far: no chat request.
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('runs a remote-only chat on the provider and says so, with the reason and the cost, under the answer', async () => {
    await backToChat();
    await send('Hello there');
    // A new chat runs here until the user says otherwise.
    const first = lastAnswer().locator('[data-testid="message-route"]');
    expect(await first.getAttribute('data-target')).toBe('local');
    expect(await first.locator('[data-testid="route-place"]').textContent()).toBe('This machine · hearth-test-says-the.gguf');
    expect(fake.chatRequests()).toHaveLength(0);

    expect(await page.locator('[data-testid="route-picker"]').textContent()).toBe('Local only');
    await inRoutePicker(async () => {
      // The chosen policy has the focus; the notes say what goes out.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('route-policy-local');
      await page.locator('[data-testid="route-policy-remote"]').check();
      await expect.poll(() => page.locator('[data-testid="route-note"]').textContent()).toMatch(/sent to the remote model/);
      await page.screenshot({ path: join(SHOTS, 'e2e-routing-picker.png') });
    });
    await expect.poll(() => page.locator('[data-testid="route-picker"]').textContent()).toBe('Remote only');

    await send('What is far away?');
    const route = lastAnswer().locator('[data-testid="message-route"]');
    expect(await lastAnswer().locator('[data-testid="message-body"]').textContent()).toBe(REPLY);
    expect(await route.getAttribute('data-target')).toBe('remote');
    expect(await route.locator('[data-testid="route-place"]').textContent()).toBe('Fake Cloud · fake-large');
    expect(await route.locator('[data-testid="route-reason"]').textContent()).toBe('This chat runs on fake-large (Fake Cloud).');
    await expect.poll(() => route.locator('[data-testid="route-cost"]').textContent()).toBe(formatUsd(costOf(0)));
    expect(fake.chatRequests()).toHaveLength(1);
    expect(fake.chatRequests()[0]!.authorization).toBe(`Bearer ${KEY}`);
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-remote-answer.png') });
  });

  it('runs the remote answer again on this machine, as a version beside it', async () => {
    await lastAnswer().locator('[data-testid="run-elsewhere"]').click();
    const menu = page.locator('[data-testid="run-elsewhere-menu"]');
    await menu.waitFor();
    // Everywhere but where it ran; the first place has the focus.
    expect(await menu.locator('button').allTextContents()).toEqual(['This machine · hearth-test-says-the.gguf']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('This machine · hearth-test-says-the.gguf');
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-run-elsewhere.png') });
    await page.keyboard.press('Enter');
    await expect.poll(() => lastAnswer().locator('[data-testid="branch-count"]').textContent()).toBe('2/2');
    await lastAnswer().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const route = lastAnswer().locator('[data-testid="message-route"]');
    expect(await route.getAttribute('data-target')).toBe('local');
    expect(await route.getAttribute('data-rule')).toBe('user');
    expect(await route.locator('[data-testid="route-reason"]').textContent()).toBe('You asked for it to run on this machine.');
    expect(await lastAnswer().locator('[data-testid="message-body"]').textContent()).toMatch(/^(\s?the)+$/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('keeps a private chat on this machine: the provider gets nothing, the answer says it stayed, and sending it out is refused', async () => {
    await inRoutePicker(async () => {
      await page.locator('[data-testid="route-private"]').check();
      await expect
        .poll(() => page.locator('[data-testid="route-note"]').textContent())
        .toMatch(/^Private: every answer is written on this machine/);
    });
    await expect.poll(() => page.locator('[data-testid="route-picker"]').textContent()).toBe('●Remote only · Private');

    await send('Something private, please');
    const route = lastAnswer().locator('[data-testid="message-route"]');
    expect(await route.getAttribute('data-target')).toBe('local');
    expect(await route.getAttribute('data-rule')).toBe('private');
    expect(await route.locator('[data-testid="route-reason"]').textContent()).toBe(
      'This chat is marked private, so it stays on this machine.',
    );
    expect(await route.locator('[data-testid="route-cost"]').count()).toBe(0);
    expect(fake.chatRequests()).toHaveLength(1);

    // Run elsewhere to the provider: main refuses, and the refusal is shown as it said it.
    await lastAnswer().locator('[data-testid="run-elsewhere"]').click();
    await page.locator('[data-testid="run-elsewhere-menu"] button', { hasText: 'Fake Cloud · fake-large' }).click();
    const error = lastAnswer().locator('.message-action-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('This chat is marked private, so it never leaves this machine.');
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-private.png') });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('compares this machine with the provider side by side and keeps the remote answer', async () => {
    await inRoutePicker(async () => {
      await page.locator('[data-testid="route-private"]').uncheck();
      await expect.poll(() => page.locator('[data-testid="route-note"]').textContent()).toMatch(/sent to the remote model/);
    });
    const question = users().last();
    await question.locator('[data-testid="compare-open"]').click();
    const dialog = page.locator('[data-testid="compare-dialog"]');
    await dialog.waitFor();
    // Escape closes it and the focus goes back to the button that opened it.
    await page.locator('[data-testid="compare-target-A"]').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compare-open');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.locator('.compare-prompt').textContent()).toBe('Something private, please');
    // It starts from this machine's model against the default remote model; the first choice has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compare-target-A');
    const selected = (side: 'A' | 'B') => dialog.locator(`[data-testid="compare-target-${side}"] option:checked`).textContent();
    expect(await selected('A')).toBe('This machine · hearth-test-says-the.gguf');
    expect(await selected('B')).toBe('Fake Cloud · fake-large');
    // This machine's side writes until it is stopped, so it is seen streaming beside the finished remote one.
    await updateSettings({ maxTokens: 0 });
    await dialog.locator('[data-testid="compare-start"]').click();

    const a = dialog.locator('[data-testid="compare-side-A"]');
    const b = dialog.locator('[data-testid="compare-side-B"]');
    const body = (side: typeof a) => side.locator('[data-testid="compare-body"]').textContent();
    await expect.poll(() => b.getAttribute('data-status'), { timeout: 30_000 }).toBe('complete');
    expect(await body(b)).toBe(REPLY);
    await expect.poll(async () => (await a.getAttribute('data-status')) === 'streaming' && (await body(a))!.length > 40).toBe(true);
    // Keep waits until both have ended: the runner refuses it while one is written.
    expect(await b.locator('[data-testid="compare-keep-B"]').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-compare-streaming.png') });
    await a.locator('[data-testid="compare-stop-A"]').click();
    await expect.poll(() => a.getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    await updateSettings({ maxTokens: 12 });
    const written = (await body(a))!;
    expect(written).toMatch(/^(\s?the)+$/);
    const figure = (side: typeof a, key: string) => side.locator(`[data-figure="${key}"] dd`).textContent();
    expect(await figure(a, 'speed')).toMatch(/^\d+\.\d tok\/s$/);
    expect(await figure(a, 'tokens')).toBe(String(written.trim().split(/\s+/).length));
    expect(await figure(a, 'cost')).toBe('$0');
    expect(await figure(b, 'tokens')).toBe(String(REPLY.split(' ').length));
    expect(fake.chatRequests()).toHaveLength(2);
    await expect.poll(() => figure(b, 'cost')).toBe(formatUsd(costOf(1)));
    expect(await b.locator('[data-testid="compare-keep-B"]').isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-compare.png') });

    await b.locator('[data-testid="compare-keep-B"]').click();
    await dialog.waitFor({ state: 'detached' });
    // The kept answer is the conversation's reply now, and the others under that message are gone.
    await expect.poll(() => lastAnswer().locator('[data-testid="message-body"]').textContent()).toBe(REPLY);
    expect(await lastAnswer().locator('[data-testid="branch-count"]').count()).toBe(0);
    expect(await lastAnswer().locator('[data-testid="message-route"]').getAttribute('data-rule')).toBe('user');
  });

  it('logs every answer with where, why, tokens and cost, newest first, live, and the month against the cap', async () => {
    await openTab('routing');
    const rows = page.locator('[data-testid="route-log-entry"]');
    // Newest first: compare's two (in the order they ended), private, run elsewhere, remote, the first hello.
    await expect.poll(() => rows.count()).toBe(6);
    const targets = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-target')));
    expect(targets.slice(2)).toEqual(['local', 'local', 'remote', 'local']);
    expect(targets.slice(0, 2).sort()).toEqual(['local', 'remote']);
    const remoteRow = rows.nth(4);
    expect(await remoteRow.textContent()).toContain('Fake Cloud');
    expect(await remoteRow.textContent()).toContain('fake-large');
    expect(await remoteRow.textContent()).toContain('Conversation setting');
    expect(await remoteRow.locator('td.num').last().textContent()).toBe(formatUsd(costOf(0)));
    expect(await rows.nth(2).textContent()).toContain('This chat is marked private, so it stays on this machine.');
    expect(await rows.nth(3).textContent()).toContain('You asked for it to run on this machine.');
    expect(await page.locator('[data-testid="route-spent"]').textContent()).toBe(`${formatUsd(costOf(0) + costOf(1))} of $5.00`);

    // Live: an answer written from another window shows up without a reload.
    const ws = await wsClient(server.port, server.token);
    const list = await ws.call<{ id: string }[]>('conversations:list');
    await ws.call('chat:send', { conversationId: list[0]!.id, text: 'One more, from elsewhere' });
    ws.close();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(7);
    expect(await rows.first().getAttribute('data-target')).toBe('remote');
    expect(fake.chatRequests()).toHaveLength(3);
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-log.png'), fullPage: true });
  });

  it('moves the spending bar when the cap changes, and says when the cap is reached', async () => {
    const spent = costOf(0) + costOf(1) + costOf(2);
    await openTab('providers');
    await page.locator('[data-testid="cost-cap"]').fill('0.0003');
    await page.locator('[data-testid="routing-save"]').click();
    await page.locator('[data-testid="routing-settings"] output', { hasText: 'Saved' }).waitFor();
    await openTab('routing');
    const box = page.locator('[data-testid="route-spending"]');
    await expect.poll(() => box.locator('[data-testid="route-spent"]').textContent()).toBe(`${formatUsd(spent)} of ${formatUsd(0.0003)}`);
    expect(spent).toBeGreaterThan(0.0003);
    expect(Number(await box.locator('meter').evaluate((m) => (m as HTMLMeterElement).value))).toBe(1);
    expect(await box.textContent()).toContain('The cap is reached: auto routing keeps answers on this machine');
    await box.screenshot({ path: join(SHOTS, 'e2e-routing-cap-reached.png') });

    await openTab('providers');
    await page.locator('[data-testid="cost-cap"]').fill('0.001');
    await page.locator('[data-testid="routing-save"]').click();
    await page.locator('[data-testid="routing-settings"] output', { hasText: 'Saved' }).waitFor();
    await openTab('routing');
    await expect.poll(() => box.locator('[data-testid="route-spent"]').textContent()).toBe(`${formatUsd(spent)} of $0.001`);
    expect(Number(await box.locator('meter').evaluate((m) => (m as HTMLMeterElement).value))).toBeCloseTo(spent / 0.001, 6);
    await box.screenshot({ path: join(SHOTS, 'e2e-routing-cap-part.png') });
    await updateSettings({ theme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-log-dark.png') });
    await openTab('providers');
    await page.locator('[data-testid="provider-edit"]').click();
    await page.screenshot({ path: join(SHOTS, 'e2e-routing-providers-dark.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="provider-form"]').waitFor({ state: 'detached' });
    // The focus goes back to the Edit button that opened the form.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('provider-edit');
    expect(consoleErrors).toEqual([]);
  });

  it('makes a new chat private before its first message: opening its routing starts the conversation', async () => {
    await backToChat();
    await page.locator('[data-testid="new-chat"]').click();
    const before = fake.chatRequests().length;
    await inRoutePicker(async () => {
      await page.locator('[data-testid="route-policy-remote"]').check();
      await page.locator('[data-testid="route-private"]').check();
    });
    await expect.poll(() => page.locator('[data-testid="route-picker"]').textContent()).toBe('●Remote only · Private');
    await send('My first message, and a private one');
    const route = lastAnswer().locator('[data-testid="message-route"]');
    expect(await route.getAttribute('data-target')).toBe('local');
    expect(await route.getAttribute('data-rule')).toBe('private');
    expect(fake.chatRequests()).toHaveLength(before);
  });
});
