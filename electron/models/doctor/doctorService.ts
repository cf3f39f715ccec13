import { statfs } from 'node:fs/promises';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { MachineReport } from '../../../shared/models';
import type { Scheduler } from '../../scheduler/scheduler';
import { slowestGpuBandwidth } from '../fit/gpuBandwidth';
import type { MachineSource } from '../ports';
import { cpuBandwidth } from './cpuBandwidth';

export interface DoctorOptions {
  scheduler: Scheduler;
  /** The models folder now (it can change), for the free-space figure. */
  modelsDir: () => string;
}

/**
 * The GPU doctor: what this machine has, what llama.cpp runs on, and what failed on the way there. The backend,
 * its devices, the VRAM and the fallbacks come from the inference process (its `status` job), RAM and cores from
 * this one; the GPU's bandwidth from Hearth's table of known GPUs, the CPU's from a short measurement here.
 */
export class DoctorService implements MachineSource {
  constructor(private readonly o: DoctorOptions) {}

  async report(): Promise<MachineReport> {
    const modelsDir = this.o.modelsDir();
    const [engine, cpu, diskFreeBytes] = await Promise.all([
      this.o.scheduler.run('status', {}).then(
        (status) => ({ status, error: null }),
        (error: unknown) => ({ status: null, error }),
      ),
      cpuBandwidth(),
      freeDisk(modelsDir),
    ]);
    const { status } = engine;
    const gpu = status && status.backend !== 'cpu' ? slowestGpuBandwidth(status.devices) : null;
    return {
      backend: status?.backend ?? 'cpu',
      devices: status?.devices ?? [],
      vram: status?.vram ?? { total: 0, free: 0 },
      ram: { total: totalmem(), free: freemem() },
      cpuCores: availableParallelism(),
      // An engine that could not start on any backend: the CPU failed too, and the error says why for each.
      fallbacks: status?.fallbacks ?? [{ backend: 'cpu', reason: describe(engine.error) }],
      bandwidth: { gpu, cpu },
      diskFreeBytes,
      modelsDir,
    };
  }
}

const describe = (error: unknown): string => (error instanceof AppError || error instanceof Error ? error.message : String(error));

/** Free bytes for this user on the disk that holds `dir` (its nearest existing folder, if it is not made yet). */
async function freeDisk(dir: string): Promise<number> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return s.bavail * s.bsize;
    } catch (error) {
      if (dirname(d) === d) throw new AppError('INTERNAL', `The free space of ${dir} cannot be read: ${describe(error)}`);
    }
  }
}
