import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './serverHarness';

/** 'connected', or the error code the connection failed with. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** The machine's other addresses; a link-local IPv6 one needs its interface named to be reachable at all. */
function otherAddresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, list]) =>
    (list ?? []).filter((a) => !a.internal).map((a) => (a.family === 'IPv6' && a.scopeid ? `${a.address}%${name}` : a.address)),
  );
}

let h: Harness;
let everywhere: Server;
let everywherePort: number;
beforeAll(async () => {
  h = await startHarness();
  // The probe's control: a server bound to every address (IPv6 and IPv4) is reachable on 127.0.0.2 and the
  // others, so a refusal below means the API server's bind, not a probe that can never connect.
  everywhere = createServer((_req, res) => res.end());
  await new Promise<void>((resolve) => everywhere.listen(0, '::', () => resolve()));
  everywherePort = (everywhere.address() as { port: number }).port;
});
afterAll(async () => {
  await h.close();
  await new Promise((r) => everywhere.close(r));
});

describe('the API server: where it listens', () => {
  it('answers on 127.0.0.1 and refuses 127.0.0.2, which a 0.0.0.0 bind would answer on', async () => {
    expect(await tryConnect('127.0.0.1', h.port)).toBe('connected');
    expect(await tryConnect('127.0.0.2', everywherePort)).toBe('connected');
    expect(await tryConnect('127.0.0.2', h.port)).toBe('ECONNREFUSED');
  });

  it("cannot be reached on the machine's other addresses", async () => {
    for (const address of otherAddresses()) {
      expect(await tryConnect(address, everywherePort), address).toBe('connected');
      expect(await tryConnect(address, h.port), address).not.toBe('connected');
    }
    expect(await tryConnect('::1', h.port)).not.toBe('connected');
  });
});
