import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, tinyModel } from '../helpers/fixtures';
import { startServe, type RunningServer } from '../helpers/headlessProcess';
import { rawSocket, type RawSocket } from '../helpers/rawClients';

let server: RunningServer;
let models: string;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  models = join(t.dir, 'models');
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', models, '--threads', '1', '--gpu', 'off']);
});
afterAll(async () => {
  await server.stop();
  cleanup();
});

const open = (): Promise<RawSocket> => rawSocket(server.port, server.token);

const chatSend = (id: number, text: string): string =>
  JSON.stringify({ id, channel: 'chat:send', input: { conversationId: 'no-such-conversation', text } });

describe('the headless socket', () => {
  it('answers the largest message the contract allows, even with every character escaped', async () => {
    const s = await open();
    const frame = chatSend(1, `a${'\u0001'.repeat(199_998)}a`);
    expect(Buffer.byteLength(frame)).toBeGreaterThan(1024 * 1024);
    const out = await s.send(frame);
    // No model and no such conversation: refused, but answered, and the text passed the contract.
    expect(out).toMatchObject({ result: { id: 1, envelope: { ok: false } } });
    expect(out).not.toMatchObject({ result: { envelope: { error: { code: 'BAD_INPUT' } } } });
    s.close();
  });

  it('answers a message over the contract but under the frame cap with BAD_INPUT, and keeps the socket open', async () => {
    const s = await open();
    expect(await s.send(chatSend(2, '\u0001'.repeat(200_001)))).toMatchObject({
      result: { id: 2, envelope: { ok: false, error: { code: 'BAD_INPUT' } } },
    });
    expect(await s.send(JSON.stringify({ id: 3, channel: 'app:getInfo' }))).toMatchObject({ result: { id: 3, envelope: { ok: true } } });
    s.close();
  });

  it('answers a frame with an id that is not a call with BAD_INPUT, and keeps the socket open', async () => {
    const s = await open();
    for (const frame of [{ id: 4 }, { id: 5, channel: 42 }, { id: 6, channel: 'x'.repeat(101) }]) {
      expect(await s.send(JSON.stringify(frame))).toMatchObject({
        result: { id: frame.id, envelope: { ok: false, error: { code: 'BAD_INPUT' } } },
      });
    }
    expect(await s.send(JSON.stringify({ id: 7, channel: 'app:getInfo' }))).toMatchObject({ result: { id: 7, envelope: { ok: true } } });
    expect(await s.send('{"channel":"app:getInfo"}')).toEqual({ closed: 1007 });
  });

  it('still closes a socket that sends more than the frame cap', async () => {
    const s = await open();
    expect(await s.send(chatSend(8, 'a'.repeat(2 * 1024 * 1024)))).toEqual({ closed: 1009 });
  });

  it('replies with and stores a lone surrogate as U+FFFD', async () => {
    const model = tinyModel(models, 'says-the.gguf', { favor: 'the' });
    const s = await open();
    expect(await s.send(JSON.stringify({ id: 9, channel: 'models:load', input: { path: model } }))).toMatchObject({
      result: { envelope: { ok: true } },
    });
    const sent = await s.send(
      JSON.stringify({ id: 10, channel: 'chat:send', input: { conversationId: null, text: 'a\uD800b\uDC00c \uD83D\uDE00' } }),
    );
    expect(sent, JSON.stringify(sent)).toMatchObject({ result: { envelope: { ok: true } } });
    if (!('result' in sent)) throw new Error('no reply');
    const reply = sent.result.envelope.value;
    expect(reply.userMessage.content).toBe('a\uFFFDb\uFFFDc \uD83D\uDE00');
    const stored = await s.send(JSON.stringify({ id: 11, channel: 'conversations:get', input: { id: reply.conversationId } }));
    expect(stored).toMatchObject({
      result: {
        envelope: {
          ok: true,
          value: { messages: expect.arrayContaining([expect.objectContaining({ role: 'user', content: 'a\uFFFDb\uFFFDc \uD83D\uDE00' })]) },
        },
      },
    });
    await s.send(JSON.stringify({ id: 12, channel: 'chat:stop', input: { streamId: reply.streamId } }));
    s.close();
  });
});
