import { AppError } from '../../../shared/errors';
import type { MachineReport } from '../../../shared/models';
import type { Scheduler } from '../../scheduler/scheduler';
import type { MachineSource } from '../ports';

export interface DoctorOptions {
  scheduler: Scheduler;
  /** The models folder now (it can change), for the free-space figure. */
  modelsDir: () => string;
}

/** The GPU doctor: what this machine has, what llama.cpp runs on, and what failed on the way there. */
export class DoctorService implements MachineSource {
  constructor(private readonly o: DoctorOptions) {}

  async report(): Promise<MachineReport> {
    void this.o;
    throw new AppError('UNSUPPORTED', 'The GPU doctor is not built yet.');
  }
}
