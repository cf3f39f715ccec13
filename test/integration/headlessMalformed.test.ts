import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures';
import { startServe, type RunningServer } from '../helpers/headlessProcess';
import { rawStatus } from '../helpers/rawClients';

/**
 * Requests no HTTP client would send, each of which once killed the server (a throw in an async handler is an
 * unhandled rejection; in the upgrade handler, an uncaught exception). A fresh server per case, so each case
 * proves itself alone.
 */
let server: RunningServer;
let cleanup: () => void;

beforeEach(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  server = await startServe(['--port', '0', '--data-dir', join(t.dir, 'data'), '--models-dir', join(t.dir, 'models'), '--gpu', 'off']);
});
afterEach(async () => {
  await server.stop();
  cleanup();
});

const BAD_ESCAPE = '%E0%A4%A';
const UPGRADE = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

/** The server answered with a 4xx, is still running, and still answers /health. */
async function expectClientErrorAndAlive(request: string): Promise<void> {
  const status = await rawStatus(server.port, request);
  expect(status, 'no answer came: the server died or hung').not.toBeNull();
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  const health = await rawStatus(server.port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
  expect(health).toBe(200);
  expect(server.child.exitCode).toBeNull();
}

describe('the headless server, given malformed requests', () => {
  const host = (): string => `Host: 127.0.0.1:${server.port}\r\nConnection: close\r\n`;

  it('answers a broken escape in the path 4xx, with the token in the query', async () => {
    await expectClientErrorAndAlive(`GET /${BAD_ESCAPE}?token=${server.token} HTTP/1.1\r\n${host()}\r\n`);
  });

  it('answers a broken escape in the path 4xx, with the token in the cookie', async () => {
    await expectClientErrorAndAlive(`GET /${BAD_ESCAPE} HTTP/1.1\r\n${host()}Cookie: hearth_token_${server.port}=${server.token}\r\n\r\n`);
  });

  it('answers a broken escape in the token cookie 4xx, without any token', async () => {
    await expectClientErrorAndAlive(`GET / HTTP/1.1\r\n${host()}Cookie: hearth_token_${server.port}=${BAD_ESCAPE}\r\n\r\n`);
  });

  it.each(['//[', 'http://[', '//[/ws', 'http://[/ws'])('answers the request target %s 4xx, with no token and any Host', async (target) => {
    await expectClientErrorAndAlive(`GET ${target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    await expectClientErrorAndAlive(`GET ${target} HTTP/1.1\r\n${host()}\r\n`);
  });

  it.each(['//[', 'http://[', '//[/ws', 'http://[/ws'])('answers a WebSocket upgrade to %s 4xx', async (target) => {
    await expectClientErrorAndAlive(`GET ${target} HTTP/1.1\r\nHost: evil.example\r\n${UPGRADE}\r\n`);
    await expectClientErrorAndAlive(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${UPGRADE}\r\n`);
  });
});
