import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawStatus } from '../../helpers/rawClients';
import { auth, type Harness, KEY, send, startHarness } from './serverHarness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const accessControl = (headers: Record<string, unknown>): string[] => Object.keys(headers).filter((k) => k.startsWith('access-control-'));

describe('the API server: the key', () => {
  it('refuses a request with no key, or a wrong one, with 401, WWW-Authenticate and an OpenAI-shaped error', async () => {
    for (const headers of [
      {},
      auth('hearth-wrong'),
      auth(`${KEY}x`),
      auth(KEY.slice(0, -1)),
      { Authorization: KEY },
      { Authorization: `Basic ${KEY}` },
    ]) {
      const r = await send(h.port, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(r.body)).toEqual({
        error: { message: expect.stringMatching(/API key/), type: 'authentication_error', param: null, code: 'invalid_api_key' },
      });
      expect(r.body).not.toContain(KEY);
    }
    const right = await send(h.port, { headers: auth() });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body)).toEqual({ ok: true, body: null });
  });

  it('reads the key per request, so a new key shuts the old one out at once', async () => {
    expect((await send(h.port, { headers: auth() })).status).toBe(200);
    h.key.value = 'hearth-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    expect((await send(h.port, { headers: auth() })).status).toBe(401);
    expect((await send(h.port, { headers: auth(h.key.value) })).status).toBe(200);
  });

  it('checks the key before the route, so an unknown path tells a stranger nothing', async () => {
    expect((await send(h.port, { path: '/admin' })).status).toBe(401);
    expect((await send(h.port, { path: '/admin', headers: auth() })).status).toBe(404);
  });
});

describe('the API server: the Host allow-list', () => {
  const request = (host: string | null): string =>
    `GET /v1/models HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}Authorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`;

  it('refuses Host: evil.example, an empty Host and 127.0.0.1.nip.io with 403 (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${h.port}`,
      '',
      '127.0.0.1.nip.io',
      `127.0.0.1.nip.io:${h.port}`,
      '127.0.0.1',
      `127.0.0.1:${h.port + 1}`,
    ]) {
      expect(await rawStatus(h.port, request(host)), host).toBe(403);
    }
    const r = await send(h.port, { headers: { ...auth(), Host: 'evil.example' } });
    expect(JSON.parse(r.body).error).toMatchObject({ type: 'permission_error', code: 'host_not_allowed' });
  });

  it('answers 127.0.0.1:<port> and localhost:<port>', async () => {
    expect(await rawStatus(h.port, request(`127.0.0.1:${h.port}`))).toBe(200);
    expect(await rawStatus(h.port, request(`localhost:${h.port}`))).toBe(200);
  });
});

describe('the API server: browser origins', () => {
  const preflight = (origin: string): Record<string, string> => ({
    Origin: origin,
    'Access-Control-Request-Method': 'POST',
    'Access-Control-Request-Headers': 'authorization, content-type, x-stainless-os, x-evil',
  });

  it('refuses a preflight and a request from an origin the user did not allow, with no Access-Control-Allow header', async () => {
    const pre = await send(h.port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: preflight('https://evil.example') });
    expect(pre.status).toBe(403);
    expect(accessControl(pre.headers)).toEqual([]);
    const get = await send(h.port, { headers: { ...auth(), Origin: 'https://evil.example' } });
    expect(get.status).toBe(403);
    expect(accessControl(get.headers)).toEqual([]);
    expect(JSON.parse(get.body).error.code).toBe('origin_not_allowed');
    // `null` is what sandboxed frames and file:// pages send: never allowed.
    expect((await send(h.port, { headers: { ...auth(), Origin: 'null' } })).status).toBe(403);
  });

  it('lets an allowed origin through with its own origin echoed, Vary: Origin, and a preflight for what the client sends', async () => {
    h.origins.push('https://App.example:8443');
    const pre = await send(h.port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: preflight('https://app.example:8443') });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example:8443');
    expect(pre.headers.vary).toBe('Origin');
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, x-stainless-os');
    const get = await send(h.port, { headers: { ...auth(), Origin: 'https://app.example:8443' } });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example:8443');
    // The key is still needed: an allowed origin is no way around it.
    const keyless = await send(h.port, { headers: { Origin: 'https://app.example:8443' } });
    expect(keyless.status).toBe(401);
    // A neighbour of the allowed origin is a different origin.
    expect((await send(h.port, { headers: { ...auth(), Origin: 'https://app.example' } })).status).toBe(403);
  });
});

describe('the API server: routes and bodies', () => {
  const post = (
    body: string | Buffer,
    headers: Record<string, string> = { 'Content-Type': 'application/json' },
    path = '/v1/chat/completions',
  ) => send(h.port, { method: 'POST', path, headers: { ...auth(), ...headers }, body });

  it('dispatches each route to its endpoint with the parsed body', async () => {
    const seen: string[] = [];
    for (const name of ['POST /v1/chat/completions', 'POST /v1/completions', 'POST /v1/embeddings'] as const) {
      h.endpoints[name] = async (call) => {
        seen.push(name);
        call.reply.json(200, { echo: call.body });
      };
      const r = await post(JSON.stringify({ n: name }), { 'Content-Type': 'application/json; charset=utf-8' }, name.slice(5));
      expect(JSON.parse(r.body)).toEqual({ echo: { n: name } });
    }
    expect(seen).toHaveLength(3);
  });

  it('answers 404 for other paths and 405 with Allow for a wrong method', async () => {
    for (const path of ['/', '/v1', '/v1/models/', '/v1/models?x', '/v2/models', '/v1/chat/completions/x']) {
      const r = await send(h.port, { path, headers: auth() });
      expect(r.status, path).toBe(path === '/v1/models?x' ? 200 : 404);
    }
    const r = await send(h.port, { method: 'GET', path: '/v1/chat/completions', headers: auth() });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect((await send(h.port, { method: 'POST', path: '/v1/models', headers: auth() })).status).toBe(405);
    expect((await send(h.port, { method: 'DELETE', path: '/v1/embeddings', headers: auth() })).status).toBe(405);
  });

  it('refuses invalid JSON with 400, another Content-Type with 415, and a body over the cap with 413', async () => {
    const bad = await post('{"messages": [');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toEqual({
      message: 'The request body is not valid JSON.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    expect((await post('')).status).toBe(400);
    expect((await post('{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('{}', {})).status).toBe(415);
    // A declared length over 8 MiB is refused before a byte of the body is read.
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${8 * 1024 * 1024 + 1}\r\n\r\n`;
    expect(await rawStatus(h.port, head)).toBe(413);
  });

  it('counts the bytes of a body sent without a length, and refuses it past the cap', async () => {
    const small = await startHarness({ maxBodyBytes: 1024 });
    try {
      const chunked = (size: number): Promise<number | null> =>
        rawStatus(
          small.port,
          `POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
            `${(size + 2).toString(16)}\r\n"${'a'.repeat(size)}"\r\n0\r\n\r\n`,
        );
      expect(await chunked(1000)).toBe(200);
      expect(await chunked(1100)).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('turns a throw in an endpoint into a 500 for that request alone, and the server goes on', async () => {
    h.endpoints['POST /v1/completions'] = async () => {
      throw new Error('boom');
    };
    const r = await post('{}', undefined, '/v1/completions');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).error).toMatchObject({
      type: 'server_error',
      message: 'Hearth hit an internal error answering this request.',
    });
    expect((await send(h.port, { headers: auth() })).status).toBe(200);
  });

  it('ends an answer an endpoint left unwritten with a 500', async () => {
    h.endpoints['GET /v1/models'] = async () => {};
    const r = await send(h.port, { headers: auth() });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).error.message).toBe('Hearth returned no answer to this request.');
  });
});
