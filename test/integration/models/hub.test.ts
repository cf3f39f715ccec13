import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceHost } from '../../../electron/inference/host';
import type { HubService } from '../../../electron/models/hub/hubService';
import type { Scheduler } from '../../../electron/scheduler/scheduler';
import { type FakeHub, startFakeHub } from '../../helpers/fakeHub';
import type { FakeHubRepo } from '../../helpers/fakeHubTypes';
import { tempDir } from '../../helpers/fixtures';
import { SHA_A, SHA_B, engine, hubService, sampleRepos } from './hubFixtures';

/** The Hub client against the fake Hub over real HTTP: search, repository files, resolve, and a Hub gone wrong. */
let hub: FakeHub;
let repos: FakeHubRepo[];
let dir: string;
let cleanup: () => void;
let host: InferenceHost;
let scheduler: Scheduler;
let service: HubService;

const TOKEN = 'hf_testtoken1234567890';

beforeAll(async () => {
  repos = sampleRepos();
  hub = await startFakeHub({ repos });
  ({ dir, cleanup } = tempDir('hearth-hub-'));
  ({ host, scheduler } = engine());
  service = hubService({ hubUrl: hub.url, dataDir: dir, scheduler });
});

afterEach(() => {
  service.setToken(null);
  hub.requests.length = 0;
});

afterAll(async () => {
  await host.dispose(2000);
  await hub.close();
  cleanup();
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const fileOf = (repo: string, path: string): Buffer => {
  const f = repos.find((r) => r.id === repo)?.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${repo}/${path}`);
  return f.bytes;
};

describe('resolve', () => {
  it('gives one whole file with its resolve URL at the revision, its LFS SHA-256, its size and the licence card', async () => {
    const r = await service.resolve('bartowski/Tiny-Chat-GGUF', SHA_A, 'Tiny-Chat-Q8_0.gguf');
    expect(r.parts).toEqual([
      {
        remotePath: 'Tiny-Chat-Q8_0.gguf',
        url: `${hub.url}/bartowski/Tiny-Chat-GGUF/resolve/${SHA_A}/Tiny-Chat-Q8_0.gguf`,
        sha256: sha(fileOf('bartowski/Tiny-Chat-GGUF', 'Tiny-Chat-Q8_0.gguf')),
        sizeBytes: 500,
      },
    ]);
    expect(r.license).toMatchObject({ id: 'apache-2.0', category: 'permissive', commercialUse: true });
  });

  it('gives every part of a split file in order, from its folder', async () => {
    const r = await service.resolve('bartowski/Tiny-Chat-GGUF', SHA_A, 'Tiny-Chat-F16/Tiny-Chat-F16-00001-of-00002.gguf');
    expect(r.parts.map((p) => [p.remotePath, p.sizeBytes])).toEqual([
      ['Tiny-Chat-F16/Tiny-Chat-F16-00001-of-00002.gguf', 600],
      ['Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf', 400],
    ]);
    expect(r.parts[1]?.url).toBe(`${hub.url}/bartowski/Tiny-Chat-GGUF/resolve/${SHA_A}/Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf`);
    expect(r.parts[1]?.sha256).toBe(sha(fileOf('bartowski/Tiny-Chat-GGUF', 'Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf')));
    // The URLs it gives are ones the Hub serves, byte for byte.
    const got = Buffer.from(await (await fetch(r.parts[0]?.url ?? '')).arrayBuffer());
    expect(sha(got)).toBe(r.parts[0]?.sha256);
  });

  it('pins a branch name to the commit the Hub reports', async () => {
    const r = await service.resolve('bartowski/Tiny-Chat-GGUF', 'main', 'Tiny-Chat-Q4_K_M.gguf');
    expect(r.parts[0]?.url).toContain(`/resolve/${SHA_A}/`);
  });

  it('refuses a file that is not a GGUF, a projector, a lone split part, a missing file and a missing repository', async () => {
    const repo = 'bartowski/Tiny-Chat-GGUF';
    await expect(service.resolve(repo, SHA_A, 'README.md')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('not a GGUF'),
    });
    await expect(service.resolve(repo, SHA_A, 'mmproj-Tiny-Chat-f16.gguf')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('projector'),
    });
    await expect(service.resolve(repo, SHA_A, 'Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('first part'),
    });
    await expect(service.resolve(repo, SHA_A, 'Tiny-Chat-Q2_K-00001-of-00002.gguf')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('part missing'),
    });
    await expect(service.resolve(repo, SHA_A, 'Nope-Q4_K_M.gguf')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.resolve('nobody/Nothing-GGUF', SHA_A, 'x.gguf')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.resolve(repo, 'c'.repeat(40), 'Tiny-Chat-Q8_0.gguf')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.resolve('../etc', SHA_A, 'x.gguf')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('refuses a gated repository without a token, saying so, and resolves it with one sent to the Hub', async () => {
    await expect(service.resolve('meta-llama/Llama-3.1-Tiny-GGUF', SHA_B, 'Llama-3.1-Tiny-Q4_K_M.gguf')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('gated'),
    });
    service.setToken(TOKEN);
    const r = await service.resolve('meta-llama/Llama-3.1-Tiny-GGUF', SHA_B, 'Llama-3.1-Tiny-Q4_K_M.gguf');
    expect(r.license).toMatchObject({ id: 'llama3.1', category: 'restricted', commercialUse: true });
    const api = hub.requests.filter((q) => q.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('files', () => {
  it('lists GGUF quantizations only: split parts grouped, projector and broken split left out, sizes and hashes from LFS', async () => {
    const r = await service.files('bartowski/Tiny-Chat-GGUF', 2048);
    expect(r.revision).toBe(SHA_A);
    expect(r.files.map((f) => f.path)).toEqual([
      'Tiny-Chat-Q4_K_M.gguf',
      'Tiny-Chat-Q8_0.gguf',
      'Tiny-Chat-F16/Tiny-Chat-F16-00001-of-00002.gguf',
    ]);
    const split = r.files[2];
    expect(split?.parts).toEqual(['Tiny-Chat-F16/Tiny-Chat-F16-00001-of-00002.gguf', 'Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf']);
    expect(split?.sizeBytes).toBe(1000);
    expect(split?.sha256).toEqual(split?.parts.map((p) => sha(fileOf('bartowski/Tiny-Chat-GGUF', p))));
    expect(r).toMatchObject({
      repo: 'bartowski/Tiny-Chat-GGUF',
      author: 'bartowski',
      downloads: 500,
      likes: 7,
      gated: false,
      kind: 'chat',
    });
    expect(r.license).toMatchObject({ id: 'apache-2.0', category: 'permissive' });
    expect(r.updatedAt).toBe('2025-03-01T10:00:00.000Z');
  });

  it('still lists the files when the machine cannot be read, each saying why it has no fit', async () => {
    const r = await service.files('bartowski/Tiny-Chat-GGUF', undefined);
    expect(r.files.length).toBe(3);
    for (const f of r.files) {
      expect(f.fit).toBeNull();
      expect(f.fitError).toContain('the GPU doctor is out');
    }
  });

  it('marks files the library already has as downloaded', async () => {
    const own = hubService({
      hubUrl: hub.url,
      dataDir: dir,
      scheduler,
      isDownloaded: (repo, file) => repo === 'bartowski/Tiny-Chat-GGUF' && file === 'Tiny-Chat-Q8_0.gguf',
    });
    const r = await own.files('bartowski/Tiny-Chat-GGUF', 1024);
    expect(r.files.map((f) => f.downloaded)).toEqual([false, true, false]);
  });

  it('says on each file of a gated repository without a token that it is gated', async () => {
    const r = await service.files('meta-llama/Llama-3.1-Tiny-GGUF', 1024);
    expect(r.gated).toBe(true);
    expect(r.license.id).toBe('llama3.1');
    expect(r.files[0]?.fitError).toContain('gated');
  });

  it('reads a repository whose tree spans several pages of the listing', async () => {
    const many: FakeHubRepo = {
      id: 'someone/Many-GGUF',
      sha: SHA_A,
      license: 'mit',
      files: Array.from({ length: 120 }, (_, i) => ({ path: `many-${String(i).padStart(3, '0')}-Q4_0.gguf`, bytes: Buffer.from([i]) })),
    };
    repos.push(many);
    try {
      const r = await service.files('someone/Many-GGUF', 512);
      expect(r.files.length).toBe(120);
      expect(hub.requests.filter((q) => q.path.includes('/tree/')).length).toBeGreaterThan(1);
    } finally {
      repos.splice(repos.indexOf(many), 1);
    }
  });

  it('says a repository the Hub does not have is not found', async () => {
    await expect(service.files('nobody/Nothing-GGUF', 1024)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('search', () => {
  it('finds GGUF repositories matching the query, most downloaded first, with licence cards and kinds', async () => {
    const r = await service.search('tiny', {});
    expect(r.map((m) => m.repo)).toEqual([
      'meta-llama/Llama-3.1-Tiny-GGUF',
      'bartowski/Tiny-Chat-GGUF',
      'nomic-ai/nomic-embed-text-tiny-GGUF',
      'someone/Tiny-NC-GGUF',
      'Qwen/Qwen-Tiny-Other-GGUF',
      'someone/Tiny-Sentence-GGUF',
    ]);
    const byRepo = new Map(r.map((m) => [m.repo, m]));
    expect(byRepo.get('meta-llama/Llama-3.1-Tiny-GGUF')).toMatchObject({
      gated: true,
      kind: 'chat',
      license: { id: 'llama3.1', category: 'restricted' },
    });
    expect(byRepo.get('nomic-ai/nomic-embed-text-tiny-GGUF')).toMatchObject({ kind: 'embedding', license: { category: 'open-source' } });
    expect(byRepo.get('someone/Tiny-NC-GGUF')?.license).toMatchObject({ category: 'non-commercial', commercialUse: false });
    expect(byRepo.get('Qwen/Qwen-Tiny-Other-GGUF')?.license).toMatchObject({ id: 'other', category: 'unknown', commercialUse: null });
    const asked = new URL(hub.requests.find((q) => q.path.startsWith('/api/models?'))?.path ?? '', hub.url);
    expect(asked.searchParams.getAll('filter')).toEqual(['gguf']);
    expect(asked.searchParams.get('search')).toBe('tiny');
  });

  it('keeps only licences that allow commercial use when asked', async () => {
    const r = await service.search('tiny', { commercialOnly: true });
    expect(r.map((m) => m.repo).sort()).toEqual(
      [
        'bartowski/Tiny-Chat-GGUF',
        'meta-llama/Llama-3.1-Tiny-GGUF',
        'nomic-ai/nomic-embed-text-tiny-GGUF',
        'someone/Tiny-Sentence-GGUF',
      ].sort(),
    );
  });

  it('finds embedding models under either embedding pipeline tag, and chat models without them', async () => {
    const emb = await service.search('', { kind: 'embedding' });
    expect(emb.map((m) => m.repo)).toEqual(['nomic-ai/nomic-embed-text-tiny-GGUF', 'someone/Tiny-Sentence-GGUF']);
    const chat = await service.search('', { kind: 'chat' });
    expect(chat.every((m) => m.kind === 'chat')).toBe(true);
    expect(chat.map((m) => m.repo)).toContain('bartowski/Tiny-Chat-GGUF');
    expect(chat.map((m) => m.repo)).not.toContain('someone/Tiny-Sentence-GGUF');
  });

  it('sends the token to the Hub when there is one, and none otherwise', async () => {
    await service.search('tiny', {});
    expect(hub.requests.at(-1)?.authorization).toBeNull();
    service.setToken(TOKEN);
    await service.search('tiny', {});
    expect(hub.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('a Hub gone wrong', () => {
  let bad: Server;
  let badUrl: string;
  let mode: 'html' | 'json-object' | 'wrong-shape' | 'error-500' | 'stall' | 'foreign-link' | 'foreign-redirect' = 'html';
  let foreign: Server;
  let foreignUrl: string;
  const foreignAuth: (string | null)[] = [];

  beforeAll(async () => {
    foreign = createServer((req, res) => {
      foreignAuth.push(req.headers.authorization ?? null);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    bad = createServer((req, res) => {
      if (mode === 'stall') return; // headers never come
      if (mode === 'html') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return void res.end('<!DOCTYPE html><html><body>Portal</body></html>');
      }
      if (mode === 'error-500') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return void res.end('Internal Server Error');
      }
      if (mode === 'foreign-redirect' && req.url?.startsWith('/api/models?')) {
        res.writeHead(307, { Location: `${foreignUrl}/api/models?moved=1` });
        return void res.end();
      }
      if (mode === 'foreign-link') {
        res.writeHead(200, { 'Content-Type': 'application/json', Link: `<${foreignUrl}/api/models?cursor=1>; rel="next"` });
        return void res.end('[]');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(mode === 'json-object' ? '{"hello":"world"}' : JSON.stringify([{ _id: 'x', id: 42, downloads: 'many' }]));
      void req;
    });
    const listen = (s: Server) =>
      new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
    badUrl = await listen(bad);
    foreignUrl = await listen(foreign);
  });

  afterAll(async () => {
    bad.closeAllConnections();
    await new Promise((ok) => bad.close(ok));
    await new Promise((ok) => foreign.close(ok));
  });

  const at = (url: string, timeoutMs = 2000) =>
    hubService({ hubUrl: url, dataDir: `${dir}/elsewhere`, scheduler, requestTimeoutMs: timeoutMs });

  it('says the Hub could not be reached when nothing listens there', async () => {
    const closed = createServer();
    const url = await new Promise<string>((ok) =>
      closed.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(closed.address() as AddressInfo).port}`)),
    );
    await new Promise((ok) => closed.close(ok));
    await expect(at(url).search('qwen', {})).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringMatching(/search for "qwen".*could not be reached \(ECONNREFUSED\)/),
    });
    await expect(at(url).files('Qwen/X-GGUF', 1024)).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('read Qwen/X-GGUF'),
    });
  });

  it('says an HTML page with status 200 is not JSON', async () => {
    mode = 'html';
    await expect(at(badUrl).search('qwen', {})).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('not JSON') });
    await expect(at(badUrl).resolve('Qwen/X-GGUF', 'main', 'x.gguf')).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('says JSON of the wrong shape is not understood', async () => {
    mode = 'json-object';
    await expect(at(badUrl).search('qwen', {})).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('does not understand'),
    });
    mode = 'wrong-shape';
    await expect(at(badUrl).search('qwen', {})).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('does not understand'),
    });
    await expect(at(badUrl).files('Qwen/X-GGUF', 1024)).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('does not understand'),
    });
  });

  it('says which status a failing Hub answered with', async () => {
    mode = 'error-500';
    await expect(at(badUrl).search('qwen', {})).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('status 500') });
  });

  it('gives up on a Hub that never answers, saying how long it waited', async () => {
    mode = 'stall';
    await expect(at(badUrl, 300).search('qwen', {})).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('did not answer within'),
    });
  });

  it('never sends the token to another server that a listing links to or a redirect points at', async () => {
    const s = at(badUrl);
    s.setToken(TOKEN);
    try {
      mode = 'foreign-link';
      await s.search('qwen', {});
      mode = 'foreign-redirect';
      await s.search('qwen', {});
      expect(foreignAuth).toEqual([null, null]);
    } finally {
      s.setToken(null);
    }
  });
});
