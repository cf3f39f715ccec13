import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures';
import { startServe, type RunningServer } from '../helpers/headlessProcess';

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

describe("the headless page's Content-Security-Policy", () => {
  it('lets the page open a socket to this server only, and is the whole policy the page gets', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find((d) => d[0] === 'connect-src');
    expect(connect).toEqual(['connect-src', "'self'", `ws://127.0.0.1:${server.port}`, `ws://localhost:${server.port}`]);
    expect(csp).not.toMatch(/\*/);
    // A browser enforces a meta policy on top of the header; the meta allows no socket, so it must not be served here.
    expect(await res.text()).not.toMatch(/http-equiv=["']?Content-Security-Policy/i);
  });
});
