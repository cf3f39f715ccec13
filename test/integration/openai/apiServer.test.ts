import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../../shared/channels';
import type { ApiLogEntry, ApiServerStatus } from '../../../shared/api';
import type { Backend } from '../../../electron/api/backend';
import { openDatabase } from '../../../electron/db/open';
import { startLog } from '../../../electron/lib/log';
import { ApiLogRepo } from '../../../electron/openai/apiLogRepo';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { tempDir } from '../../helpers/fixtures';
import { send } from '../../unit/openai/serverHarness';

let dir: string;
let cleanup: () => void;
let b: Backend;
let seen: Seen;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  b = startBackend(dir, seen);
});
afterEach(async () => {
  await b.dispose();
  cleanup();
});

const dataDir = (): string => join(dir, 'data');

/** The next time the backend emits `event` (subscribe before causing it). */
function nextEvent(backend: Backend, event: EventChannel): Promise<unknown> {
  return new Promise((resolve) => {
    const off = backend.events.subscribe((e, payload) => {
      if (e !== event) return;
      off();
      resolve(payload);
    });
  });
}

/** A request whose log entry has been written by the time this resolves. */
async function logged(port: number, o: Parameters<typeof send>[1]): Promise<{ status: number; entry: ApiLogEntry }> {
  const entry = nextEvent(b, 'api:request');
  const r = await send(port, o);
  return { status: r.status, entry: (await entry) as ApiLogEntry };
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });

describe('the API service', () => {
  it('is off by default and has no key until it first starts', async () => {
    const s = await b.api.start();
    expect(s).toMatchObject({ enabled: false, running: false, baseUrl: null, key: null, error: null, port: 8642, allowedOrigins: [] });
    expect(s.keyFile).toBe(join(dataDir(), 'api-key'));
    expect(readdirSync(dataDir())).not.toContain('api-key');
  });

  it('starts on a free port when asked for port 0, with its key in a 0600 file, and says so in api:changed', async () => {
    const s = await b.api.configure({ enabled: true, port: 0 });
    expect(s.running).toBe(true);
    expect(s.port).toBeGreaterThan(0);
    expect(s.baseUrl).toBe(`http://127.0.0.1:${s.port}/v1`);
    expect(s.key).toMatch(/^hearth-[\w-]{43}$/);
    expect(readFileSync(s.keyFile, 'utf8')).toBe(s.key);
    expect(statSync(s.keyFile).mode & 0o777).toBe(0o600);
    expect(seen.filter((e) => e.event === 'api:changed').at(-1)?.payload).toEqual(s);
    // The setting keeps a real port; 0 is for this run only.
    expect(b.settings.get()).toMatchObject({ apiServerEnabled: true, apiServerPort: 8642 });
    expect((await send(s.port, { path: '/v1/x', headers: bearer(s.key!) })).status).toBe(404);
    expect((await send(s.port, { path: '/v1/x' })).status).toBe(401);
    expect(await callHandler(b, 'api:status')).toEqual(s);
  });

  it('shuts the old key out at once when the key is regenerated', async () => {
    const s = await b.api.configure({ enabled: true, port: 0 });
    const old = s.key!;
    expect((await send(s.port, { path: '/v1/x', headers: bearer(old) })).status).toBe(404);
    const changed = nextEvent(b, 'api:changed');
    const next = await callHandler<ApiServerStatus>(b, 'api:regenerateKey');
    expect(((await changed) as ApiServerStatus).key).toBe(next.key);
    expect(next.key).not.toBe(old);
    expect(next.port).toBe(s.port);
    expect(readFileSync(next.keyFile, 'utf8')).toBe(next.key);
    expect((await send(s.port, { path: '/v1/x', headers: bearer(old) })).status).toBe(401);
    expect((await send(s.port, { path: '/v1/x', headers: bearer(next.key!) })).status).toBe(404);
  });

  it('reports a taken port in words instead of throwing, and recovers on another', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const s = await callHandler<ApiServerStatus>(b, 'api:configure', { enabled: true, port: taken });
      expect(s).toMatchObject({ enabled: true, running: false, port: taken, baseUrl: null });
      expect(s.error).toBe(`Port ${taken} is already in use by another program. Pick another port, or close that program.`);
      const moved = await b.api.configure({ port: 0 });
      expect(moved).toMatchObject({ running: true, error: null });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('stops when switched off, and the contract refuses port 0', async () => {
    const s = await b.api.configure({ enabled: true, port: 0 });
    const off = await callHandler<ApiServerStatus>(b, 'api:configure', { enabled: false });
    expect(off).toMatchObject({ enabled: false, running: false, baseUrl: null, error: null });
    await expect(send(s.port, { path: '/v1/models' })).rejects.toThrow(/ECONNREFUSED/);
    await expect(callHandler(b, 'api:configure', { port: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(b.settings.get().apiServerEnabled).toBe(false);
  });

  it('starts at the next launch on the port the user saved', async () => {
    const port = await freePort();
    const s = await callHandler<ApiServerStatus>(b, 'api:configure', { enabled: true, port });
    expect(s).toMatchObject({ running: true, port });
    await b.dispose();
    b = startBackend(dir, seen);
    expect(b.api.status()).toMatchObject({ enabled: true, running: false, port, key: s.key });
    expect(await b.api.start()).toMatchObject({ running: true, port, baseUrl: `http://127.0.0.1:${port}/v1`, key: s.key });
  });

  it('lets the origins the user allowed call it from a browser, and no others', async () => {
    const s = await b.api.configure({ enabled: true, port: 0 });
    const origin = { Origin: 'https://app.example' };
    expect((await send(s.port, { path: '/v1/x', headers: { ...bearer(s.key!), ...origin } })).status).toBe(403);
    const allowed = await callHandler<ApiServerStatus>(b, 'api:configure', { allowedOrigins: ['https://app.example'] });
    expect(allowed).toMatchObject({ running: true, port: s.port, allowedOrigins: ['https://app.example'] });
    const r = await send(s.port, { path: '/v1/x', headers: { ...bearer(s.key!), ...origin } });
    expect(r.status).toBe(404);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    await expect(b.api.configure({ allowedOrigins: ['app.example/path'] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('the API request log', () => {
  it('keeps every request in api_log, newest first, and emits api:request for each', async () => {
    const s = await b.api.configure({ enabled: true, port: 0 });
    const a = await logged(s.port, { path: '/v1/models', headers: { 'User-Agent': 'curl/8.5.0' } });
    const c = await logged(s.port, { path: '/v1/nope', headers: bearer(s.key!) });
    expect(a.entry).toMatchObject({ method: 'GET', path: '/v1/models', status: 401, client: 'curl/8.5.0', stream: false, model: null });
    expect(a.entry.error).toMatch(/No API key/);
    expect(c.entry).toMatchObject({ path: '/v1/nope', status: 404 });
    const log = await callHandler<ApiLogEntry[]>(b, 'api:log', { limit: 10 });
    expect(log).toEqual([c.entry, a.entry]);
    expect(b.api.log(1)).toEqual([c.entry]);
    expect(seen.filter((e) => e.event === 'api:request').map((e) => e.payload)).toEqual([a.entry, c.entry]);
  });

  it('never writes the key into the log files, the request log or the database', async () => {
    startLog({ dir: join(dataDir(), 'logs'), processName: 'test' });
    const s = await b.api.configure({ enabled: true, port: 0 });
    const first = s.key!;
    for (const headers of [bearer(first), bearer(`${first}x`), bearer(first.slice(0, -2)), { Authorization: first }]) {
      await logged(s.port, { path: '/v1/x', headers });
      await logged(s.port, {
        method: 'POST',
        path: '/v1/embeddings',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: '{',
      });
    }
    const second = (await b.api.regenerateKey()).key!;
    await logged(s.port, { path: '/v1/x', headers: bearer(first) });
    // A taken port writes a warning to the log file: the log is not empty, so the check below looks at something.
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    await b.api.configure({ port: (blocker.address() as { port: number }).port });
    await new Promise((r) => blocker.close(r));
    await b.dispose();
    const files = (function walk(d: string): string[] {
      return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    })(dataDir()).filter((f) => !f.endsWith('api-key'));
    expect(files.some((f) => f.includes('logs'))).toBe(true);
    expect(files.map((f) => readFileSync(f, 'latin1')).join('\n')).toMatch(/in use by another program/);
    for (const f of files) {
      const bytes = readFileSync(f, 'latin1');
      for (const key of [first, second, first.slice(7, 30)]) expect(bytes.includes(key), f).toBe(false);
    }
    const db = new Database(join(dataDir(), 'hearth.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM api_log').all();
      expect(rows.length).toBe(9);
      expect(JSON.stringify(rows)).not.toContain(first.slice(7, 30));
    } finally {
      db.close();
    }
  });

  it('keeps the newest 1000 requests', () => {
    const { db } = openDatabase(join(dir, 'trim.db'));
    try {
      const repo = new ApiLogRepo(db);
      const entry = (i: number) => ({
        at: i,
        method: 'GET',
        path: `/v1/${i}`,
        status: 200,
        durationMs: 1,
        model: null,
        stream: false,
        promptTokens: null,
        completionTokens: null,
        client: null,
        error: null,
      });
      for (let i = 0; i < 1005; i++) repo.add(entry(i));
      const all = repo.list(2000);
      expect(all).toHaveLength(1000);
      expect(all[0]!.path).toBe('/v1/1004');
      expect(all.at(-1)!.path).toBe('/v1/5');
    } finally {
      db.close();
    }
  });
});
