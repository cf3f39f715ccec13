import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiServerStatus } from '../../../shared/api';
import { type RunningServer, startServe, wsClient } from '../../helpers/headlessProcess';
import { tempDir } from '../../helpers/fixtures';
import { send } from '../../unit/openai/serverHarness';

const API_LINE = /^Hearth API is running at http:\/\/127\.0\.0\.1:(\d+)\/v1 \(key in (.+)\)$/m;
const API_LINES = new RegExp(API_LINE.source, 'gm');

let dir: string;
let cleanup: () => void;
let running: RunningServer[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
  cleanup();
});

const dataDir = (): string => join(dir, 'data');

async function serve(extra: string[] = []): Promise<RunningServer> {
  const s = await startServe(['--port', '0', '--data-dir', dataDir(), '--models-dir', join(dir, 'models'), '--gpu', 'off', ...extra]);
  running.push(s);
  return s;
}

/** Stops the server and resolves once its output is complete (stdout closed), so a count of lines is final. */
async function stopped(s: RunningServer): Promise<string> {
  const closed = new Promise((r) => s.child.once('close', r));
  await s.stop();
  await closed;
  return s.output();
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}

describe('headless mode: the API server', () => {
  it('--api-port switches it on for this run and prints exactly one line with the address and the key file', async () => {
    const s = await serve(['--api-port', '0']);
    const [, portText, keyFile] = await s.waitFor(API_LINE);
    const port = Number(portText);
    expect(port).toBeGreaterThan(0);
    expect(keyFile).toBe(join(dataDir(), 'api-key'));
    expect(statSync(keyFile!).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile!, 'utf8');
    expect(key).toMatch(/^hearth-[\w-]{43}$/);
    expect((await send(port, { path: '/v1/x', headers: { Authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await send(port, { path: '/v1/x', headers: { Authorization: 'Bearer hearth-wrong' } })).status).toBe(401);
    expect((await send(port, { path: '/v1/x', headers: { Authorization: `Bearer ${key}`, Host: 'evil.example' } })).status).toBe(403);
    // A status change that is not a start (a new key) prints nothing more.
    const ws = await wsClient(s.port, s.token);
    const next = await ws.call<ApiServerStatus>('api:regenerateKey');
    expect(next).toMatchObject({ running: true, port, enabled: true });
    ws.close();
    const output = await stopped(s);
    expect(output.match(API_LINES)).toHaveLength(1);
    // Neither key is in anything the server wrote to the data folder but the key file itself.
    const files = readdirSync(dataDir(), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name !== 'api-key')
      .map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f, 'latin1');
      expect(bytes.includes(key.slice(7)), f).toBe(false);
      expect(bytes.includes(next.key!.slice(7)), f).toBe(false);
    }
    expect(output).not.toContain(key.slice(7));

    // The flag was for that run: the next launch leaves the server off, as the settings say.
    const again = await serve();
    const client = await wsClient(again.port, again.token);
    expect(await client.call<ApiServerStatus>('api:status')).toMatchObject({ enabled: false, running: false, key: next.key });
    client.close();
    expect(await stopped(again)).not.toMatch(API_LINE);
  });

  it('prints the line when the user switches it on from the page, and at the next launch from the setting', async () => {
    const s = await serve();
    expect(s.output()).not.toMatch(API_LINE);
    const port = await freePort();
    const ws = await wsClient(s.port, s.token);
    const on = await ws.call<ApiServerStatus>('api:configure', { enabled: true, port });
    expect(on).toMatchObject({ running: true, port });
    expect((await s.waitFor(API_LINE))[1]).toBe(String(port));
    ws.close();
    expect((await stopped(s)).match(API_LINES)).toHaveLength(1);

    const next = await serve();
    expect((await next.waitFor(API_LINE))[1]).toBe(String(port));
    const key = readFileSync(join(dataDir(), 'api-key'), 'utf8');
    expect(key).toBe(on.key);
    expect((await send(port, { path: '/v1/x', headers: { Authorization: `Bearer ${key}` } })).status).toBe(404);
  });

  it('says in words when the port is taken, and the page still works', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (blocker.address() as { port: number }).port;
      const s = await serve(['--api-port', String(port)]);
      await s.waitFor(/^Hearth API could not start: Port \d+ is already in use by another program\./m);
      const ws = await wsClient(s.port, s.token);
      expect(await ws.call<ApiServerStatus>('api:status')).toMatchObject({ running: false, error: expect.stringMatching(/in use/) });
      ws.close();
      expect(await stopped(s)).not.toMatch(API_LINE);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('refuses an --api-port that is not a port', async () => {
    await expect(serve(['--api-port', 'eighty'])).rejects.toThrow(/--api-port must be 0\.\.65535, got eighty/);
  });
});
