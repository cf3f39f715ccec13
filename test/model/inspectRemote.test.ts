import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { AppError } from '../../shared/errors';
import { WORKER_PATH, tempDir, tinyLora, tinyModel } from '../helpers/fixtures';

/**
 * The inspect job reading a GGUF header over HTTP from a server on 127.0.0.1 that answers Range requests like the
 * Hub and records every request's headers. Under /gated/ it answers 401 unless the request carries GATED_TOKEN.
 * The server is also the Hub for the inference process (HF_ENDPOINT), whose environment holds another token
 * (HF_TOKEN): node-llama-cpp would send that one on its own after a 401, and must not.
 */
const GATED_TOKEN = 'hf_gated_secret_for_the_test';
const ENV_TOKEN = 'hf_token_from_the_environment';
let dir: string;
let cleanup: () => void;
let server: Server;
let base: string;
let host: InferenceHost;
const files = new Map<string, Buffer>();
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  const lora = tinyLora(dir, 'hearth.lora.gguf', { base: { favor: 'the' }, favor: 'hearth' });
  files.set('/org/open/resolve/main/says-the.gguf', readFileSync(says));
  files.set('/org/gated/resolve/main/says-the.gguf', readFileSync(says));
  files.set('/org/open/resolve/main/hearth.lora.gguf', readFileSync(lora));
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers });
    const bytes = files.get(path);
    if (!bytes) return void res.writeHead(404).end();
    if (path.startsWith('/org/gated/') && req.headers.authorization !== `Bearer ${GATED_TOKEN}`)
      return void res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Access to this model is restricted.');
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    if (!m) return void res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
    const start = Number(m[1]);
    const end = m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
    res
      .writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
        'Content-Length': end - start + 1,
        'Accept-Ranges': 'bytes',
      })
      .end(bytes.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // The inference process takes its environment when it starts, at its first job.
  const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_TOKEN: process.env.HF_TOKEN };
  process.env.HF_ENDPOINT = base;
  process.env.HF_TOKEN = ENV_TOKEN;
  try {
    host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
    await host.job('status', {});
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
afterAll(async () => {
  await host.dispose(2000);
  server.close();
  cleanup();
});

const requestsFor = (path: string, from: number): IncomingHttpHeaders[] =>
  seen
    .slice(from)
    .filter((s) => s.path === path)
    .map((s) => s.headers);

describe("inspecting a remote GGUF with the caller's headers", () => {
  it('reads a gated file with the bearer token it is given, sent with every Range request', async () => {
    const from = seen.length;
    const path = '/org/gated/resolve/main/says-the.gguf';
    const r = await host.job('inspect', {
      source: `${base}${path}`,
      contextSize: 1024,
      headers: { Authorization: `Bearer ${GATED_TOKEN}`, 'X-Hearth-Test': 'kept' },
    });
    expect(r).toMatchObject({ architecture: 'llama', layers: 5, type: null });
    const requests = requestsFor(path, from);
    expect(requests.length).toBeGreaterThan(0);
    for (const h of requests) {
      expect(h).toMatchObject({ authorization: `Bearer ${GATED_TOKEN}`, 'x-hearth-test': 'kept', range: expect.stringMatching(/^bytes=/) });
    }
  });

  it("refuses a gated file without the caller's token, saying the status, and never sends the environment's token", async () => {
    const from = seen.length;
    const path = '/org/gated/resolve/main/says-the.gguf';
    const error = await host.job('inspect', { source: `${base}${path}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_INPUT');
    expect((error as AppError).message).toMatch(/cannot be read as GGUF: .*401/);
    const requests = requestsFor(path, from);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.map((h) => h.authorization ?? null)).toEqual(requests.map(() => null));

    const wrong = await host
      .job('inspect', { source: `${base}${path}`, headers: { Authorization: 'Bearer hf_wrong_token' } })
      .catch((e: unknown) => e);
    expect((wrong as AppError).message).toMatch(/401/);
    expect((wrong as AppError).message).not.toContain('hf_wrong_token');
    expect(seen.slice(from).some((s) => s.headers.authorization === `Bearer ${ENV_TOKEN}`)).toBe(false);
  });

  it('reads an open file and an adapter without headers, and sends none of its own', async () => {
    const from = seen.length;
    const model = await host.job('inspect', { source: `${base}/org/open/resolve/main/says-the.gguf` });
    expect(model).toMatchObject({ architecture: 'llama', type: null });
    const adapter = await host.job('inspect', { source: `${base}/org/open/resolve/main/hearth.lora.gguf` });
    expect(adapter).toMatchObject({ type: 'adapter', adapterType: 'lora', architecture: 'llama', fit: { gpuLayers: 0, vramBytes: 0 } });
    // What its tensors take: at most the file, at least the file less its header.
    const size = statSync(`${dir}/hearth.lora.gguf`).size;
    expect(adapter.sizeBytes).toBeLessThanOrEqual(size);
    expect(adapter.sizeBytes).toBeGreaterThan(size / 2);
    expect(seen.slice(from).every((s) => s.headers.authorization === undefined)).toBe(true);
  });

  it('refuses headers that fetch could not send, or too many, before any request and without echoing them', async () => {
    const from = seen.length;
    const source = `${base}/org/open/resolve/main/says-the.gguf`;
    for (const headers of [
      { 'Bad Name': 'x' },
      { Authorization: 'Bearer a\r\nX-Injected: yes' },
      Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`X-H${i}`, 'v'])),
    ]) {
      const error = await host.job('inspect', { source, headers }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_INPUT' });
      expect((error as AppError).message).not.toMatch(/Injected|Bearer a/);
    }
    expect(seen.length).toBe(from);
  });
});
