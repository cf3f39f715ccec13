import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import type { GpuChoice } from '../../electron/inference/protocol';
import { DoctorService } from '../../electron/models/doctor/doctorService';
import { Scheduler } from '../../electron/scheduler/scheduler';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

let dir: string;
let cleanup: () => void;
const hosts: InferenceHost[] = [];

function newDoctor(gpu: GpuChoice, workerPath = WORKER_PATH): { doctor: DoctorService; host: InferenceHost; scheduler: Scheduler } {
  const host = new InferenceHost(forkSpawner(workerPath), { gpu });
  hosts.push(host);
  const scheduler = new Scheduler(host, { loadOptions: () => ({ contextSize: 1024, threads: 1 }) });
  return { doctor: new DoctorService({ scheduler, modelsDir: () => join(dir, 'models') }), host, scheduler };
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

/** The resident memory of a process as Linux counts it. */
function rssOf(pid: number): number {
  const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return pages * 4096;
}

describe('the GPU doctor on this CPU-only machine', () => {
  it('reports the CPU backend, no GPU, the RAM, cores, measured CPU bandwidth and free disk', async () => {
    const { doctor } = newDoctor('auto');
    const report = await doctor.report();
    expect(report).toMatchObject({
      backend: 'cpu',
      devices: [],
      vram: { total: 0, free: 0 },
      cpuCores: availableParallelism(),
      fallbacks: [],
      modelsDir: join(dir, 'models'),
    });
    expect(report.ram.total).toBe(totalmem());
    expect(report.ram.free).toBeGreaterThan(0);
    expect(report.bandwidth.gpu).toBeNull();
    expect(report.bandwidth.cpu?.gbPerSecond).toBeGreaterThan(0.1);
    expect(report.bandwidth.cpu?.source).toMatch(/GB\/s, measured on this machine \(\d threads? copying memory for 100 ms\)/);
    // The models folder does not exist yet: the free space is that of the disk it will be on.
    const disk = await statfs(dir);
    expect(report.diskFreeBytes).toBeGreaterThan(0);
    expect(report.diskFreeBytes).toBeLessThanOrEqual(disk.blocks * disk.bsize);
  });

  it('ends on the CPU from --gpu cuda, with why CUDA and then Vulkan could not start', async () => {
    const { doctor, scheduler } = newDoctor('cuda');
    const report = await doctor.report();
    expect(report.backend).toBe('cpu');
    expect(report.fallbacks).toEqual([
      { backend: 'cuda', reason: expect.stringMatching(/^no CUDA setup \(GPU, driver or runtime\) that llama\.cpp can use was found/) },
      { backend: 'vulkan', reason: expect.stringMatching(/^no Vulkan setup \(GPU, driver or runtime\) that llama\.cpp can use was found/) },
    ]);
    expect(report.fallbacks[0]?.reason).toMatch(/node-llama-cpp: The prebuilt binary .* with CUDA support is not compatible/);
    // And the engine it ended on works.
    scheduler.select(tinyModel(dir, 'says-the.gguf', { favor: 'the' }));
    const answer = await scheduler.generate({
      client: 'test',
      priority: 'interactive',
      input: { turns: [{ role: 'user', content: 'Hi' }], options: { maxTokens: 4, temperature: 0 } },
    });
    expect(answer.completionTokens).toBe(4);
  });

  it("still reports the machine when the engine cannot start at all, with the engine's reason", async () => {
    const { doctor } = newDoctor('auto', join(dir, 'no-such-worker.js'));
    const report = await doctor.report();
    expect(report.backend).toBe('cpu');
    expect(report.fallbacks).toEqual([
      { backend: 'cpu', reason: expect.stringMatching(/inference process stopped unexpectedly \(exit code 1\)/) },
    ]);
    expect(report.ram.total).toBe(totalmem());
  });
});

describe('the status job', () => {
  it("gives the inference process's own resident memory, which grows when a model loads", async () => {
    const { host } = newDoctor('off');
    const before = await host.job('status', {});
    expect(Math.abs(before.rssBytes - rssOf(host.pid!))).toBeLessThan(0.2 * before.rssBytes);
    await host.load({ slot: 'chat', path: tinyModel(dir, 'rss-28m.gguf', { size: '28m' }), options: { contextSize: 1024, threads: 1 } });
    const after = await host.job('status', {});
    expect(after.slots).toHaveLength(1);
    expect(after.rssBytes).toBeGreaterThan(before.rssBytes);
  });
});
