import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_CHANNELS } from '../../shared/channels';
import { tempDir } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';
import { rawSocket, rawStatus, type RawSocket, type SocketOutcome } from '../helpers/rawClients';

/**
 * Random and mutated requests and frames against the real server process, loopback only. Seeded, so a failure
 * replays; a fixed count of cases, cut short past a time budget so a slow machine cannot hang the suite. Anyone
 * on this machine can send these, so whatever they are, the server must answer and stay up.
 */
const SEED = 0x4ea47;
const HTTP_CASES = 800;
const FRAME_CASES = 1500;
const BUDGET_MS = 10_000;

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

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number): boolean => rand() < p;
/** Mostly the valid value, so that cases get past the first check; otherwise one of the bad ones. */
const usually = <T>(valid: T, bad: readonly T[]): T => (chance(0.8) ? valid : pick(bad));
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

const NOISE = [
  '%',
  '%E0%A4%A',
  '%ZZ',
  '%C0%AF',
  '%00',
  '%2e%2e',
  '%2F',
  '[',
  ']',
  '//',
  '\\',
  '?',
  '#',
  '@',
  ':',
  '..',
  '~',
  'é',
  '\u{1F600}',
  '\uD800',
  ' ',
  '\t',
  '\x7f',
  '*',
  '=',
  ';',
  ',',
  '"',
];

/** One of: the string as is, with noise inserted, cut, doubled, or with a char replaced. */
function mutate(s: string): string {
  const at = int(s.length + 1);
  switch (int(5)) {
    case 0:
      return s;
    case 1:
      return s.slice(0, at) + pick(NOISE) + s.slice(at);
    case 2:
      return s.slice(0, at);
    case 3:
      return s + s.slice(at);
    default:
      return s.slice(0, at) + pick(NOISE) + s.slice(at + 1);
  }
}

function httpCase(port: number, token: string): string | Buffer {
  const targets = [
    '/',
    '/health',
    '/ws',
    '/index.html',
    '/favicon.ico',
    '/assets/',
    '//[',
    'http://[',
    `http://127.0.0.1:${port}/`,
    '*',
    '/%E0%A4%A',
    '/%',
    '/..%2f..%2fpackage.json',
    '/../../etc/passwd',
    '/?token=',
    `/?token=${token}`,
    `/ws?token=${token}`,
    `/%E0%A4%A?token=${token}`,
  ];
  const upgrade = chance(0.3);
  let target = upgrade && chance(0.5) ? `/ws?token=${token}` : pick(targets);
  if (chance(0.4)) target = mutate(target);
  if (chance(0.3)) target += `${target.includes('?') ? '&' : '?'}token=${chance(0.7) ? token : mutate(token)}`;
  const method = pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'get', 'PRI', mutate('GET')]);
  const lines = [`${method} ${target} HTTP/1.1`];
  const host = usually<string | null>(pick([`127.0.0.1:${port}`, `localhost:${port}`]), [
    'evil.example',
    '',
    '[',
    mutate(`127.0.0.1:${port}`),
    null,
  ]);
  if (host !== null) lines.push(`Host: ${host}`);
  const name = `hearth_token_${port}`;
  const cookie = pick([
    null,
    `${name}=${token}`,
    `${name}=%E0%A4%A`,
    `${name}=`,
    `=;;=`,
    `a=%; ${name}=${token}`,
    mutate(`${name}=${token}`),
    `${name}=${mutate(token)}`,
  ]);
  if (cookie !== null) lines.push(`Cookie: ${cookie}`);
  if (chance(0.2))
    lines.push(`Origin: ${pick([`http://127.0.0.1:${port}`, 'https://evil.example', 'null', mutate(`http://localhost:${port}`)])}`);
  if (upgrade) {
    lines.push(`Upgrade: ${usually('websocket', ['WebSocket', mutate('websocket')])}`, 'Connection: Upgrade');
    lines.push(`Sec-WebSocket-Version: ${usually('13', ['8', mutate('13')])}`);
    const key = usually<string | null>('dGhlIHNhbXBsZSBub25jZQ==', [null, mutate('dGhlIHNhbXBsZSBub25jZQ==')]);
    if (key !== null) lines.push(`Sec-WebSocket-Key: ${key}`);
  } else {
    lines.push('Connection: close');
  }
  if (chance(0.2)) lines.push(`${mutate('X-Fuzz')}: ${mutate('value')}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  // After an upgrade, raw bytes: what the socket's frame parser gets before anything else.
  return upgrade && chance(0.5) ? Buffer.concat([Buffer.from(head), bytes(1 + int(64))]) : head;
}

function randomJson(depth = 0): unknown {
  switch (int(depth > 2 ? 5 : 7)) {
    case 0:
      return pick([null, true, false]);
    case 1:
      return pick([0, -1, 1.5, 1e308, 2 ** 53, -0, 42]);
    case 2:
      return mutate(pick(['', 'hi', '/etc/passwd', '\uD800', 'x'.repeat(300), '__proto__']));
    case 3:
      return pick([undefined, 'conversations', 'c1']);
    case 4:
      return mutate('text');
    case 5:
      return Array.from({ length: int(4) }, () => randomJson(depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: int(4) }, () => [
          pick(['id', 'text', 'path', 'conversationId', 'query', 'title', '__proto__', 'maxTokens']),
          randomJson(depth + 1),
        ]),
      );
  }
}

interface Frame {
  data: string | Buffer;
  binary: boolean;
}

function frameCase(): Frame {
  const id = chance(0.7) ? pick([int(1000), 0, 2 ** 53 - 1]) : pick([-1, 1.5, '7', null, 2 ** 53, 1e308, undefined]);
  const channel = pick([
    ...CALL_CHANNELS,
    ...CALL_CHANNELS,
    'shell:exec',
    '',
    '__proto__',
    'constructor',
    'x'.repeat(101),
    42,
    null,
    undefined,
  ]);
  const call = JSON.stringify({ id, channel, input: randomJson() });
  switch (int(6)) {
    case 0:
      return { data: bytes(int(64)), binary: true };
    case 1:
      return { data: bytes(1 + int(64)), binary: false };
    case 2:
      return { data: mutate(call), binary: false };
    case 3:
      return { data: JSON.stringify(randomJson()) ?? '', binary: false };
    default:
      return { data: call, binary: false };
  }
}

/** What the protocol promises for a frame: a result for a JSON object with a usable id, a close for anything else. */
function expected(f: Frame): { result: number } | { closed: number } {
  if (f.binary) return { closed: 1003 };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(f.data));
  } catch {
    return { closed: 1007 };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { closed: 1007 };
  }
  const id = value && typeof value === 'object' && !Array.isArray(value) && 'id' in value ? value.id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? { result: id } : { closed: 1007 };
}

const outcome = (o: SocketOutcome): { result: number } | { closed: number } | { silent: true } =>
  'result' in o ? { result: o.result.id } : o;

describe('the headless server under fuzzing', () => {
  it(`answers random requests and frames and stays up (seed ${SEED})`, async () => {
    const deadline = Date.now() + BUDGET_MS;
    const bad: string[] = [];
    let requests = 0;
    for (; requests < HTTP_CASES && Date.now() < deadline; requests += 16) {
      const batch = Array.from({ length: 16 }, () => httpCase(server.port, server.token));
      const statuses = await Promise.all(batch.map((r) => rawStatus(server.port, r, 1000)));
      statuses.forEach((s, i) => {
        if (s !== null && s >= 500) bad.push(`${s} for ${JSON.stringify(String(batch[i]))}`);
      });
      if (server.child.exitCode !== null) break;
    }
    expect(server.child.exitCode, `exited after HTTP request batch ${requests / 16}`).toBeNull();

    let socket: RawSocket | null = null;
    let frames = 0;
    for (; frames < FRAME_CASES && Date.now() < deadline && server.child.exitCode === null; frames++) {
      if (!socket || socket.closed) socket = await rawSocket(server.port, server.token);
      const f = frameCase();
      const got = outcome(await socket.send(f.data, f.binary));
      const want = expected(f);
      if (JSON.stringify(got) !== JSON.stringify(want))
        bad.push(`${JSON.stringify(got)} instead of ${JSON.stringify(want)} for ${JSON.stringify(String(f.data)).slice(0, 200)}`);
    }
    socket?.close();

    expect(server.child.exitCode).toBeNull();
    expect(bad).toEqual([]);
    expect(requests + frames).toBeGreaterThan(200);
    expect(await rawStatus(server.port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`)).toBe(200);
    const client = await wsClient(server.port, server.token);
    expect(await client.call('app:getInfo')).toMatchObject({ shell: 'headless' });
    client.close();
  });
});
