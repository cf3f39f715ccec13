import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { Download } from '../../../shared/models';
import type { EventBus } from '../../lib/events';
import type { HubFilesResolver, LibraryRegistrar } from '../ports';

export interface DownloadsOptions {
  db: Database.Database;
  events: EventBus;
  hub: HubFilesResolver;
  library: LibraryRegistrar;
  /** The models folder now (it can change). */
  modelsDir: () => string;
  /** The Hub token for requests, or null. */
  token: () => string | null;
}

/** The download queue: Range-resumed, hash-checked, retried, paused and cancelled; survives a restart. */
export class DownloadsService {
  constructor(private readonly o: DownloadsOptions) {}

  /** Picks up the queue a previous run left: unfinished downloads resume from their partial files. */
  start(): void {
    void this.o;
  }

  async enqueue(_repo: string, _revision: string, _file: string): Promise<Download> {
    throw new AppError('UNSUPPORTED', 'Downloads are not built yet.');
  }

  list(): Download[] {
    return [];
  }

  pause(_id: string): Download {
    throw new AppError('UNSUPPORTED', 'Downloads are not built yet.');
  }

  resume(_id: string): Download {
    throw new AppError('UNSUPPORTED', 'Downloads are not built yet.');
  }

  async cancel(_id: string): Promise<Download> {
    throw new AppError('UNSUPPORTED', 'Downloads are not built yet.');
  }

  dismiss(_id: string): void {
    throw new AppError('UNSUPPORTED', 'Downloads are not built yet.');
  }

  /** Stops every transfer (partial files stay for the next start). */
  async dispose(): Promise<void> {}
}
