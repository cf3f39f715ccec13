import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';
import { tempDir } from '../helpers/fixtures';

let server: RunningServer;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', join(t.dir, 'models'), '--gpu', 'off']);
});
afterAll(async () => {
  await server.stop();
  cleanup();
});

function get(
  path: string,
  headers: Record<string, string> = {},
  host = '127.0.0.1',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(query: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

describe('the headless server', () => {
  it('prints its address with a per-launch token and binds to 127.0.0.1 only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    // The kernel's own table of listening sockets: the port is bound to 127.0.0.1 (0100007F), and nothing else.
    const hexPort = server.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[1]?.endsWith(`:${hexPort}`) && c[3] === '0A')
      .map((c) => c[1]);
    expect(listening).toEqual([`0100007F:${hexPort}`]);
    const otherAddresses = Object.values((await import('node:os')).networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of otherAddresses) {
      await expect(get('/health', {}, address)).rejects.toThrow(/ECONNREFUSED/);
    }
    await expect(get('/health', {}, '::1')).rejects.toThrow(/ECONNREFUSED|EADDRNOTAVAIL/);
  });

  it('answers /health without a token', async () => {
    const r = await get('/health');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
  });

  it('refuses the page without the token, serves it with one, and sets a strict CSP', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const ok = await get(`/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<div id="root">');
    expect(ok.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses a foreign Host header (DNS rebinding) and paths outside the renderer', async () => {
    expect((await get(`/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(`/../../package.json?token=${server.token}`)).status).toBe(404);
    expect((await get(`/%2e%2e/%2e%2e/package.json?token=${server.token}`)).status).toBe(404);
  });

  it('refuses a WebSocket without the right token, or from another origin', async () => {
    expect(await upgrade('')).toBe('401');
    expect(await upgrade('?token=nope')).toBe('401');
    expect(await upgrade(`?token=${server.token}`, { Origin: 'https://evil.example' })).toBe('403');
    expect(await upgrade(`?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });

  it('answers calls over the socket through the same contract, and refuses malformed ones', async () => {
    const client = await wsClient(server.port, server.token);
    const info = await client.call<{ shell: string; canPickFiles: boolean }>('app:getInfo');
    expect(info).toMatchObject({ shell: 'headless', canPickFiles: false });
    await expect(client.call('models:pickFile')).rejects.toThrow(/type the path/);
    await expect(client.call('shell:exec', { cmd: 'rm -rf /' })).rejects.toThrow(/Unknown channel/);
    client.close();
    const raw = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
    raw.on('open', () => raw.send('{not json'));
    expect(await closed).toBe(1007);
  });
});
