import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../electron/api/backend';
import type { InferenceHost } from '../../../electron/inference/host';
import { estimateFit } from '../../../electron/models/fit/estimate';
import { quantFromFileName } from '../../../electron/models/fit/quants';
import { recommendIndex } from '../../../electron/models/fit/recommend';
import type { MachineSource } from '../../../electron/models/ports';
import type { Scheduler } from '../../../electron/scheduler/scheduler';
import { HubRepoFiles, type MachineReport } from '../../../shared/models';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { type FakeHub, startFakeHub } from '../../helpers/fakeHub';
import { tempDir, tinyModel } from '../../helpers/fixtures';
import { SHA_A, engine, hubService } from './hubFixtures';

/** Fit for each quantization comes from the real engine reading the GGUF header over HTTP from the fake Hub. */
let hub: FakeHub;
let dir: string;
let cleanup: () => void;
let host: InferenceHost;
let scheduler: Scheduler;
let small: string;
let large: string;
let machine: MachineReport;
const REPO = 'someone/Tiny-Fit-GGUF';
const SMALL = 'tiny-fit-1m-F16.gguf';
const LARGE = 'tiny-fit-28m-F16.gguf';

/** This machine as the engine's own status job sees it: a report the fit is computed against, the same each time. */
const machineFromEngine = async (s: Scheduler, modelsDir: string): Promise<MachineReport> => {
  const st = await s.run('status', {});
  const fs = statfsSync(modelsDir);
  return {
    backend: 'cpu',
    devices: [],
    vram: st.vram,
    ram: st.ram,
    cpuCores: st.cpuMathCores,
    fallbacks: [],
    bandwidth: { gpu: null, cpu: null },
    diskFreeBytes: fs.bavail * fs.bsize,
    modelsDir,
  };
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('hearth-hubfit-'));
  small = tinyModel(dir, SMALL, { size: '1m' });
  large = tinyModel(dir, LARGE, { size: '28m' });
  hub = await startFakeHub({
    repos: [
      {
        id: REPO,
        sha: SHA_A,
        license: 'apache-2.0',
        files: [
          { path: SMALL, bytes: readFileSync(small) },
          { path: LARGE, bytes: readFileSync(large) },
          // Not a GGUF inside, though named like one: its header cannot be read.
          { path: 'tiny-fit-broken-Q4_K_M.gguf', bytes: Buffer.from('<!DOCTYPE html><html>not a model</html>') },
        ],
      },
    ],
  });
  ({ host, scheduler } = engine());
  machine = await machineFromEngine(scheduler, dir);
});

afterAll(async () => {
  await host.dispose(3000);
  await hub.close();
  cleanup();
});

describe('files with a real fit', () => {
  it("estimates each quantization from its header read over HTTP, as the engine's inspect of the same local file does", async () => {
    const source: MachineSource = { report: async () => machine };
    const service = hubService({ hubUrl: hub.url, dataDir: dir, scheduler, machine: source });
    const r = await service.files(REPO, 512);
    expect(r.files.map((f) => f.path)).toEqual(['tiny-fit-broken-Q4_K_M.gguf', SMALL, LARGE]);
    const [broken, a, b] = r.files;
    for (const [file, local] of [
      [a, small],
      [b, large],
    ] as const) {
      expect(file?.fitError).toBeNull();
      const inspected = await scheduler.run('inspect', { source: local, contextSize: 512, sequences: 1 });
      expect(file?.fit).toMatchObject({ layers: inspected.layers, contextSize: 512 });
      expect(file?.fit?.ramBytes).toBeGreaterThan(0);
      expect(file?.fit).toEqual(estimateFit(inspected, machine));
      expect(file?.quant).toEqual(quantFromFileName(file?.path ?? ''));
    }
    // The 28M model has twice the 1M model's layers and far more weights.
    expect(b?.fit?.layers).toBeGreaterThan(a?.fit?.layers ?? 0);
    expect(b?.fit?.ramBytes).toBeGreaterThan(a?.fit?.ramBytes ?? 0);
    // A header that cannot be read costs that file its fit, never the listing.
    expect(broken?.fit).toBeNull();
    expect(broken?.fitError).toMatch(/Could not read the file's header/);
    const best = recommendIndex(r.files);
    expect(r.files.map((f) => f.recommended)).toEqual(r.files.map((_, i) => i === best));
    // The headers were read from the Hub with Range requests at the pinned commit, not downloaded whole.
    const reads = hub.requests.filter((q) => q.path.includes('/resolve/'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((q) => q.path.includes(`/resolve/${SHA_A}/`) && q.range !== null)).toBe(true);
  });

  it('reads each header once for the same context size, and again for another', async () => {
    const source: MachineSource = { report: async () => machine };
    const service = hubService({ hubUrl: hub.url, dataDir: dir, scheduler, machine: source });
    await service.files(REPO, 1024);
    const resolves = () => hub.requests.filter((q) => q.path.includes(`/resolve/${SHA_A}/${SMALL}`)).length;
    const first = resolves();
    const again = await service.files(REPO, 1024);
    expect(resolves()).toBe(first);
    expect(again.files.find((f) => f.path === SMALL)?.fit?.contextSize).toBe(1024);
    const other = await service.files(REPO, 2048);
    expect(resolves()).toBeGreaterThan(first);
    expect(other.files.find((f) => f.path === SMALL)?.fit?.contextSize).toBe(2048);
  });
});

describe('hub:files through the backend', () => {
  let backend: Backend;
  const seen: Seen = [];

  beforeAll(() => {
    backend = startBackend(join(dir, 'app'), seen, { hubUrl: hub.url });
  });

  afterAll(async () => {
    await backend.dispose();
  });

  it('answers in the contract shape, every file with a fit or the reason it has none', async () => {
    const r = HubRepoFiles.parse(await callHandler(backend, 'hub:files', { repo: REPO, contextSize: 512 }));
    expect(r.revision).toBe(SHA_A);
    expect(r.files.map((f) => f.path)).toEqual(['tiny-fit-broken-Q4_K_M.gguf', SMALL, LARGE]);
    for (const f of r.files) expect(f.fit !== null || (f.fitError?.length ?? 0) > 0).toBe(true);
    expect(r.files[0]?.fitError).not.toBeNull();
  });

  it('lists the catalog and searches the Hub it was given', async () => {
    const catalog = await callHandler<unknown[]>(backend, 'catalog:list', { commercialOnly: true });
    expect(catalog.length).toBeGreaterThan(10);
    const found = await callHandler<{ repo: string }[]>(backend, 'hub:search', { query: 'tiny-fit' });
    expect(found.map((m) => m.repo)).toEqual([REPO]);
  });

  it('stores a token and says only whether there is one', async () => {
    expect(await callHandler(backend, 'hub:setToken', { token: 'hf_abcdefghijklmnop' })).toEqual({ hasToken: true });
    expect(await callHandler(backend, 'hub:tokenStatus')).toEqual({ hasToken: true });
    await expect(callHandler(backend, 'hub:setToken', { token: 'password' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await callHandler(backend, 'hub:setToken', { token: null })).toEqual({ hasToken: false });
  });
});
