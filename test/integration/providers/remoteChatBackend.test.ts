import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInput } from '../../../shared/api';
import type { ChatCall } from '../../../electron/chat/chatBackend';
import { openDatabase } from '../../../electron/db/open';
import type { ChatTurn, GenerateOptions, GenerateResult } from '../../../electron/inference/protocol';
import { EventBus } from '../../../electron/lib/events';
import { FileSecretStore } from '../../../electron/providers/fileSecretStore';
import { ProvidersService } from '../../../electron/providers/providersService';
import { type FakeProvider, type FakeProviderOptions, startFakeProvider } from '../../helpers/fakeProvider';
import { tempDir } from '../../helpers/fixtures';

const KEY = 'sk-fake-5e1c0de';
const REPLY = 'The quick brown fox jumps over the lazy dog.';
const TURNS: ChatTurn[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say the sentence about the fox.' },
];
const OPTIONS: GenerateOptions = { temperature: 0.2, maxTokens: 0, stop: [] };

let dir: string;
let cleanup: () => void;
let db: Database.Database;
let fake: FakeProvider | null;
let extra: Server | null;

beforeEach(() => {
  const t = tempDir('hearth-remote-');
  dir = t.dir;
  cleanup = t.cleanup;
  db = openDatabase(join(dir, 'hearth.db')).db;
  fake = null;
  extra = null;
});

afterEach(async () => {
  await fake?.close();
  if (extra) {
    extra.closeAllConnections();
    await new Promise((r) => extra!.close(r));
  }
  db.close();
  cleanup();
});

/** A provider service over a fresh fake provider (the deadline short only where a test waits for it). */
async function setup(o: FakeProviderOptions = {}, timeoutMs = 30_000, over: Partial<ProviderInput> = {}) {
  fake = await startFakeProvider({ key: KEY, models: ['fake-model'], reply: REPLY, ...o });
  const service = new ProvidersService({ db, events: new EventBus(), secrets: new FileSecretStore(join(dir, 'secrets')), timeoutMs });
  const provider = await service.save({
    name: 'Fake Cloud',
    baseUrl: fake.baseUrl,
    key: KEY,
    enabled: true,
    models: [{ id: 'fake-model', inputPerMTok: 1, outputPerMTok: 2 }],
    ...over,
  });
  return { service, provider, fake };
}

interface Run {
  texts: string[];
  thoughts: string[];
  result: GenerateResult | null;
  error: (Error & { code?: string }) | null;
}

async function run(
  backend: { generate: (t: ChatTurn[], o: GenerateOptions, c: ChatCall) => Promise<GenerateResult> },
  options: GenerateOptions = OPTIONS,
  onText?: (text: string, controller: AbortController) => void,
  controller = new AbortController(),
): Promise<Run> {
  const r: Run = { texts: [], thoughts: [], result: null, error: null };
  try {
    r.result = await backend.generate(TURNS, options, {
      conversationId: 'c1',
      signal: controller.signal,
      onText: (t) => {
        r.texts.push(t);
        onText?.(t, controller);
      },
      onThought: (t) => r.thoughts.push(t),
    });
  } catch (error) {
    r.error = error as Error & { code?: string };
  }
  return r;
}

/** A one-route server for the shapes the fake provider does not play. */
async function rawServer(handler: (res: ServerResponse) => void): Promise<string> {
  extra = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res));
  });
  await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(extra.address() as AddressInfo).port}/v1`;
}

describe('RemoteChatBackend', () => {
  it('leaves out what a reasoning model refuses (temperature; max_tokens for max_completion_tokens), and asks right the next time', async () => {
    const { service, provider, fake } = await setup({ refuseParams: ['temperature', 'max_tokens'] });
    const first = await run(service.backendFor(provider.id, 'fake-model'), { temperature: 0.7, maxTokens: 3, stop: [] });
    expect(first.error).toBeNull();
    expect(first.texts.join('')).toBe('The quick brown ');
    const sent = fake.chatRequests().map((r) => r.body as Record<string, unknown>);
    expect(sent).toHaveLength(3);
    expect(sent[2]).not.toHaveProperty('temperature');
    expect(sent[2]).not.toHaveProperty('max_tokens');
    expect(sent[2]).toMatchObject({ max_completion_tokens: 3 });
    const again = await run(service.backendFor(provider.id, 'fake-model'), { temperature: 0.7, maxTokens: 3, stop: [] });
    expect(again.error).toBeNull();
    expect(fake.chatRequests()).toHaveLength(4);
  });

  it('does not retry what it cannot leave out: a refused model parameter is an error in words', async () => {
    const { service, provider, fake } = await setup({ refuseParams: ['messages'] });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error?.message).toMatch(/^Fake Cloud refused the request \(status 400: Unsupported value: 'messages'/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('streams the reply in order, chunk by chunk, and returns the provider’s token counts', async () => {
    const { service, provider } = await setup();
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error).toBeNull();
    expect(r.texts.length).toBeGreaterThan(3);
    expect(r.texts.join('')).toBe(REPLY);
    expect(r.result).toMatchObject({
      text: REPLY,
      thoughts: '',
      thoughtMs: null,
      functionCalls: [],
      stopReason: 'eog',
      // The fake counts words: 2 + 6 in the turns, 9 chunks in the reply.
      promptTokens: 8,
      completionTokens: 9,
      droppedMessages: 0,
      sequence: 0,
    });
    expect(r.result!.timeToFirstTokenMs).not.toBeNull();
    expect(r.result!.timeToFirstTokenMs!).toBeLessThanOrEqual(r.result!.durationMs);
  });

  it('sends the turns, the sampling a remote can honour and the key as a Bearer token', async () => {
    const { service, provider } = await setup();
    const stop = ['a', 'b', 'c', 'd', 'e'];
    await run(service.backendFor(provider.id, 'fake-model'), {
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      minP: 0.05,
      repeatPenalty: 1.1,
      maxTokens: 100,
      seed: 7,
      stop,
      thoughtTokens: 0,
      overflow: 'stop',
    });
    const [req] = fake!.chatRequests();
    expect(req!.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.body).toEqual({
      model: 'fake-model',
      messages: TURNS,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 100,
      seed: 7,
      stop: ['a', 'b', 'c', 'd'],
    });
  });

  it('reports an answer cut at max_tokens as maxTokens', async () => {
    const { service, provider } = await setup();
    const r = await run(service.backendFor(provider.id, 'fake-model'), { ...OPTIONS, maxTokens: 3 });
    expect(r.result).toMatchObject({ text: 'The quick brown ', stopReason: 'maxTokens', completionTokens: 3 });
  });

  it('hands reasoning deltas on as thoughts, apart from the text', async () => {
    const { service, provider } = await setup({ reasoning: 'The user wants the fox sentence.' });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.thoughts.join('')).toBe('The user wants the fox sentence.');
    expect(r.result).toMatchObject({ text: REPLY, thoughts: 'The user wants the fox sentence.' });
    expect(r.result!.thoughtMs).not.toBeNull();
  });

  it('reads a stream written a byte at a time with CRLF line endings, split inside UTF-8 characters', async () => {
    const reply = 'Grüße aus der Ferne 🌍, naïve café — 終わり.';
    const { service, provider } = await setup({ reply, lineEnding: '\r\n', writeSize: 1 });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error).toBeNull();
    expect(r.texts.join('')).toBe(reply);
    expect(r.result!.text).toBe(reply);
  });

  it('leaves the token counts at 0 when the provider sends no usage', async () => {
    const { service, provider } = await setup({ usage: false });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.result).toMatchObject({ text: REPLY, promptTokens: 0, completionTokens: 0 });
  });

  it('sends nothing without a key when none is stored (a local server)', async () => {
    const { service, provider } = await setup({ key: null }, 30_000, { key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.result!.text).toBe(REPLY);
    expect(fake!.chatRequests()[0]!.authorization).toBeNull();
  });

  it('stops mid-stream when the caller aborts, returning the text so far with stopReason abort', async () => {
    const { service, provider } = await setup({ mode: 'stall', breakAfterChunks: 4 });
    const r = await run(service.backendFor(provider.id, 'fake-model'), OPTIONS, (_t, c) => c.abort());
    expect(r.error).toBeNull();
    expect(r.texts).toHaveLength(1);
    expect(r.result).toMatchObject({ stopReason: 'abort', text: r.texts[0] });
    expect(REPLY.startsWith(r.result!.text)).toBe(true);
  });

  it('returns at once, sending nothing, when the call was aborted before it started', async () => {
    const { service, provider } = await setup();
    const controller = new AbortController();
    controller.abort();
    const r = await run(service.backendFor(provider.id, 'fake-model'), OPTIONS, undefined, controller);
    expect(r.result).toMatchObject({ stopReason: 'abort', text: '' });
    expect(fake!.requests).toHaveLength(0);
  });

  it('never contacts a provider that is switched off, also when it was switched off after the backend was made', async () => {
    const { service, provider } = await setup({}, 30_000, { enabled: false });
    expect(() => service.backendFor(provider.id, 'fake-model')).toThrow(/switched off/);
    await service.save({ ...provider, key: undefined, enabled: true });
    const backend = service.backendFor(provider.id, 'fake-model');
    await service.save({ ...provider, key: undefined, enabled: false });
    const r = await run(backend);
    expect(r.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Fake Cloud is switched off') });
    await service.save({ ...provider, key: undefined, enabled: true });
    const again = service.backendFor(provider.id, 'fake-model');
    await service.remove(provider.id);
    expect((await run(again)).error).toMatchObject({ code: 'NOT_FOUND' });
    expect(fake!.requests).toHaveLength(0);
  });
});

describe('RemoteChatBackend failures, in words', () => {
  it('says the key was refused, without repeating it (the provider’s own message does)', async () => {
    const { service, provider } = await setup({ mode: 'wrong-key' });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Fake Cloud refused the key: check it in Connections > Remote providers.',
    });
    expect(r.error!.message).not.toContain(KEY);
  });

  it('names a model the provider does not have', async () => {
    const { service, provider } = await setup();
    const r = await run(service.backendFor(provider.id, 'no-such-model'));
    expect(r.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Fake Cloud has no model called no-such-model.') });
  });

  it('says when to try again after a rate limit', async () => {
    const { service, provider } = await setup({ mode: 'rate-limit', retryAfterSeconds: 20 });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error!.message).toBe('Fake Cloud hit its rate limit: try again in 20 seconds.');
  });

  it('says the provider had a problem of its own on a 5xx', async () => {
    const { service, provider } = await setup({ mode: 'server-error' });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error!.message).toMatch(/^Fake Cloud had a problem of its own \(status 500: .*\)\. Try again later\.$/);
  });

  it('gives up on a provider that never answers, and says how long it waited', async () => {
    const { service, provider } = await setup({ mode: 'hang' }, 300);
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error).toMatchObject({ code: 'NETWORK', message: expect.stringContaining('Fake Cloud did not answer within 300 ms') });
    expect(fake!.chatRequests()).toHaveLength(1);
  });

  it('cuts the answer off when the stream goes quiet, after the text so far went to onText', async () => {
    const { service, provider } = await setup({ mode: 'stall', breakAfterChunks: 3 }, 300);
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts.join('')).toBe('The quick brown ');
    expect(r.error!.message).toBe('Fake Cloud sent nothing for 300 ms, so the answer was cut off.');
  });

  it('throws "cut off" when the connection breaks mid-stream, after the partial text went to onText', async () => {
    const { service, provider } = await setup({ mode: 'break', breakAfterChunks: 2 });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts.join('')).toBe('The quick ');
    expect(r.result).toBeNull();
    expect(r.error).toMatchObject({ code: 'NETWORK', message: 'The connection to Fake Cloud broke, so the answer was cut off.' });
  });

  it('says nothing answers at an address where no server runs', async () => {
    const { service, provider } = await setup();
    await fake!.close();
    fake = null;
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error!.message).toMatch(
      /^Could not reach Fake Cloud at http:\/\/127\.0\.0\.1:\d+\/v1: nothing answers there \(connection refused\)/,
    );
  });

  it('cuts the answer off when the body ends with neither [DONE] nor a finish reason', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"delta":{"content":"Half an"}}]}\n\n');
    });
    const { service, provider } = await setup({}, 30_000);
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts).toEqual(['Half an']);
    expect(r.error!.message).toBe('The connection to Fake Cloud broke, so the answer was cut off.');
  });

  it('passes on an error the provider sends inside the stream', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"Partly"}}]}\n\n');
      res.end('data: {"error":{"message":"Upstream overloaded","code":502}}\n\n');
    });
    const { service, provider } = await setup();
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts).toEqual(['Partly']);
    expect(r.error!.message).toBe('Fake Cloud stopped with an error (Upstream overloaded), so the answer was cut off.');
  });

  it('cuts the answer off at a chunk that is not JSON, keeping the text before it', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"Before"}}]}\n\n');
      res.end('data: <html>502 Bad Gateway</html>\n\n');
    });
    const { service, provider } = await setup();
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts).toEqual(['Before']);
    expect(r.error!.message).toBe('Fake Cloud sent something Hearth does not understand, so the answer was cut off.');
  });

  it('reads a whole JSON answer from a server that ignores stream: true', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: 'All at once.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 3 },
        }),
      );
    });
    const { service, provider } = await setup();
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.texts).toEqual(['All at once.']);
    expect(r.result).toMatchObject({ text: 'All at once.', stopReason: 'eog', promptTokens: 5, completionTokens: 3 });
  });

  it('says a base URL with no chat endpoint is wrong, from a 404 page that is not JSON', async () => {
    const url = await rawServer((res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    const { service, provider } = await setup();
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error!.message).toBe(`Fake Cloud has no chat endpoint at ${url}: check the base URL (for most providers it ends in /v1).`);
  });

  it('does not follow a redirect with the key', async () => {
    const url = await rawServer((res) => {
      res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    const { service, provider } = await setup();
    await service.save({ ...provider, baseUrl: url, key: undefined });
    const r = await run(service.backendFor(provider.id, 'fake-model'));
    expect(r.error!.message).toContain('sent Hearth to another address (http://127.0.0.1:1/elsewhere)');
  });
});
