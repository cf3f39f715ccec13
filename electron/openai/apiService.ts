import type Database from 'better-sqlite3';
import type { ApiLogEntry, ApiServerStatus } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { EventBus } from '../lib/events';
import type { SettingsService } from '../settings/settingsService';
import type { Endpoints } from './types';

export interface ApiServiceDeps {
  db: Database.Database;
  events: EventBus;
  settings: SettingsService;
  dataDir: string;
  endpoints: Endpoints;
  /** Called when a client's connection closes, so its queued and running jobs go (Scheduler.cancelClient). */
  cancelClient: (client: string) => void;
}

/** The local OpenAI-compatible API server: off by default, on 127.0.0.1 only, behind a bearer key. */
export class ApiService {
  constructor(private readonly d: ApiServiceDeps) {}

  status(): ApiServerStatus {
    const s = this.d.settings.get();
    return {
      enabled: s.apiServerEnabled,
      running: false,
      port: s.apiServerPort,
      baseUrl: null,
      key: null,
      keyFile: '',
      allowedOrigins: s.apiAllowedOrigins,
      error: null,
    };
  }

  /** Starts the server if the settings say it is on. */
  async start(): Promise<ApiServerStatus> {
    return this.status();
  }

  async configure(_patch: { enabled?: boolean; port?: number; allowedOrigins?: string[] }): Promise<ApiServerStatus> {
    throw new AppError('UNSUPPORTED', 'The API server is not built yet.');
  }

  async regenerateKey(): Promise<ApiServerStatus> {
    throw new AppError('UNSUPPORTED', 'The API server is not built yet.');
  }

  log(_limit = 200): ApiLogEntry[] {
    return [];
  }

  async dispose(): Promise<void> {}
}
