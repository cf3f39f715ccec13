import { describe, expect, it } from 'vitest';
import { cpuBandwidth, measureCpuBandwidth } from '../../../../electron/models/doctor/cpuBandwidth';

describe('measureCpuBandwidth', () => {
  it('measures a memory bandwidth on this machine and says how', async () => {
    const m = await measureCpuBandwidth({ ms: 50, threads: 2, bufferBytes: 8 * 1024 * 1024 });
    expect(m.gbPerSecond).toBeGreaterThan(0.1);
    expect(m.source).toBe(`${m.gbPerSecond} GB/s, measured on this machine (2 threads copying memory for 50 ms)`);
  });

  it('measures once per process and keeps the result', async () => {
    const first = await cpuBandwidth();
    expect(first?.gbPerSecond).toBeGreaterThan(0.1);
    expect(await cpuBandwidth()).toBe(first);
  });
});
