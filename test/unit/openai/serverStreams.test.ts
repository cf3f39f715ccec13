import { type IncomingMessage, request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, type Harness, heldEndpoint, KEY, send, startHarness } from './serverHarness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const postHeaders = { ...auth(), 'Content-Type': 'application/json' };

/** Starts a POST: the request, to cut, and its response once the headers arrive. */
function open(path = '/v1/chat/completions'): { cut: () => void; response: Promise<IncomingMessage> } {
  const req = request({ host: '127.0.0.1', port: h.port, method: 'POST', path, headers: postHeaders });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    // Cutting the request is the test's own doing: its error is expected.
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
  });
  response.catch(() => {});
  req.end('{"stream":true}');
  return { cut: () => req.destroy(), response };
}

describe('the API server: streams', () => {
  it('streams SSE events and [DONE] to the client', async () => {
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      const sse = call.reply.sse();
      expect(call.reply.started).toBe(true);
      await sse.send({ n: 1 });
      await sse.send({ n: 2 });
      sse.done();
    };
    const r = await send(h.port, { method: 'POST', path: '/v1/chat/completions', headers: postHeaders, body: '{}' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(r.body).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('sends an error after the stream began as its last event', async () => {
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      await call.reply.sse().send({ n: 1 });
      call.reply.error(500, { message: 'The engine stopped.' });
    };
    const r = await send(h.port, { method: 'POST', path: '/v1/chat/completions', headers: postHeaders, body: '{}' });
    expect(r.body).toBe(
      'data: {"n":1}\n\ndata: {"error":{"message":"The engine stopped.","type":"server_error","param":null,"code":null}}\n\n',
    );
    expect((await h.nextRecord()).error).toBe('The engine stopped.');
  });

  it('waits for the socket to drain when the client reads slower than the endpoint writes', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    let waitedAt = -1;
    let sent = 0;
    let blocked!: () => void;
    const wasBlocked = new Promise<void>((resolve) => (blocked = resolve));
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      const sse = call.reply.sse();
      // Until the client's socket and ours are full, each send resolves at once; then one must wait for 'drain'.
      for (let i = 0; i < 20_000 && waitedAt < 0; i++) {
        const p = sse.send({ chunk });
        const first = await Promise.race([p.then(() => 'sent'), new Promise((r) => setImmediate(() => r('waiting')))]);
        sent++;
        if (first === 'waiting') {
          waitedAt = i;
          blocked();
        }
        await p;
      }
      sse.done();
    };
    const res = await open().response;
    res.pause();
    await wasBlocked;
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      body += c;
    });
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(waitedAt).toBeGreaterThan(0);
    expect(body.split('\n\n').filter(Boolean)).toHaveLength(sent + 1);
  });
});

describe('the API server: a client that goes away', () => {
  it('aborts the call and cancels its jobs when the client disconnects mid-stream', async () => {
    const held = heldEndpoint();
    let wroteAfter!: () => void;
    const endpointDone = new Promise<void>((resolve) => (wroteAfter = resolve));
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      call.note({ model: 'tiny.gguf', stream: true });
      const sse = call.reply.sse();
      await sse.send({ n: 1 });
      await held.endpoint(call);
      // Writing to a client that went away neither throws nor hangs.
      await sse.send({ n: 2 });
      sse.done();
      wroteAfter();
    };
    const { cut, response } = open();
    const call = await held.call;
    const aborted = new Promise<void>((resolve) => call.signal.addEventListener('abort', () => resolve()));
    // The first event arrived: the answer had begun when the client left.
    await new Promise((r) => void response.then((res) => res.once('data', r)));
    expect(call.signal.aborted).toBe(false);
    cut();
    await aborted;
    expect(h.cancelled).toEqual([call.client]);
    const logged = await h.nextRecord();
    expect(logged).toMatchObject({ status: 200, model: 'tiny.gguf', stream: true, error: 'The client went away before the answer ended.' });
    held.release();
    await endpointDone;
  });

  it('logs 499 for a client that left before any answer, and cancels it', async () => {
    const held = heldEndpoint();
    h.endpoints['POST /v1/embeddings'] = held.endpoint;
    const { cut } = open('/v1/embeddings');
    const call = await held.call;
    cut();
    const logged = await h.nextRecord();
    expect(logged).toMatchObject({ status: 499, path: '/v1/embeddings', error: 'The client went away before the answer ended.' });
    expect(call.signal.aborted).toBe(true);
    expect(h.cancelled).toEqual([call.client]);
    held.release();
  });

  it('lets an endpoint answer after its client left without harm to the server', async () => {
    for (const answer of ['json', 'sse', 'error'] as const) {
      const held = heldEndpoint();
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      h.endpoints['POST /v1/completions'] = async (call) => {
        const aborted = new Promise((resolve) => call.signal.addEventListener('abort', resolve));
        await held.endpoint(call);
        await aborted;
        if (answer === 'json') call.reply.json(200, { late: true });
        if (answer === 'error') call.reply.error(400, { message: 'late' });
        if (answer === 'sse') {
          const sse = call.reply.sse();
          await sse.send({ late: true });
          sse.done();
        }
        finished();
      };
      const { cut } = open('/v1/completions');
      await held.call;
      held.release();
      cut();
      await done;
      expect(await h.nextRecord(), answer).toMatchObject({ status: 499 });
    }
    expect((await send(h.port, { headers: auth() })).status).toBe(200);
  });

  it('gives each request its own client id, and cancels nothing for answers that ended', async () => {
    const clients: string[] = [];
    h.endpoints['GET /v1/models'] = async (call) => {
      clients.push(call.client);
      call.reply.json(200, {});
    };
    for (let i = 0; i < 3; i++) await send(h.port, { headers: auth() });
    expect(new Set(clients).size).toBe(3);
    for (const c of clients) expect(c).toMatch(/^api:\d+$/);
    for (let i = 0; i < 3; i++) await h.nextRecord();
    expect(h.cancelled).toEqual([]);
  });

  it('a throw after the stream began cuts that connection only', async () => {
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      await call.reply.sse().send({ n: 1 });
      throw new Error('boom');
    };
    await expect(send(h.port, { method: 'POST', path: '/v1/chat/completions', headers: postHeaders, body: '{}' })).rejects.toThrow(
      /cut off|aborted|socket hang up|ECONNRESET/,
    );
    expect((await send(h.port, { headers: auth() })).status).toBe(200);
  });

  it('closing the server aborts the calls in flight', async () => {
    const held = heldEndpoint();
    h.endpoints['POST /v1/completions'] = held.endpoint;
    open('/v1/completions');
    const call = await held.call;
    await h.close();
    expect(call.signal.aborted).toBe(true);
    expect(h.cancelled).toEqual([call.client]);
    held.release();
  });
});

describe('the API server: the request log', () => {
  it('records every request once, refused ones too, with what the endpoint noted and never the key or the body', async () => {
    h.endpoints['POST /v1/chat/completions'] = async (call) => {
      call.note({ model: 'tiny.gguf', stream: false, promptTokens: 12 });
      call.note({ completionTokens: 5 });
      call.reply.json(200, { ok: true });
    };
    const ua = `my-editor/${'1'.repeat(200)}`;
    await send(h.port, { path: '/v1/models?secret=1' });
    await send(h.port, { headers: { ...auth(), Host: 'evil.example' } });
    await send(h.port, { path: '/nope', headers: auth() });
    await send(h.port, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { ...postHeaders, 'User-Agent': ua },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'my private prompt' }] }),
    });
    const [noKey, badHost, notFound, chat] = [await h.nextRecord(), await h.nextRecord(), await h.nextRecord(), await h.nextRecord()];
    expect(noKey).toMatchObject({ method: 'GET', path: '/v1/models', status: 401, error: expect.stringMatching(/No API key/) });
    expect(badHost).toMatchObject({ status: 403, error: expect.stringMatching(/answers only to/) });
    expect(notFound).toMatchObject({ path: '/nope', status: 404 });
    expect(chat).toEqual({
      at: expect.any(Number),
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      durationMs: expect.any(Number),
      model: 'tiny.gguf',
      stream: false,
      promptTokens: 12,
      completionTokens: 5,
      client: ua.slice(0, 120),
      error: null,
    });
    const all = JSON.stringify(h.records);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('private prompt');
    expect(all).not.toContain('secret');
  });
});
