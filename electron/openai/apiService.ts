import type Database from 'better-sqlite3';
import type { ApiLogEntry, ApiServerStatus } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { Settings } from '../../shared/types';
import type { EventBus } from '../lib/events';
import { logWarn } from '../lib/log';
import type { SettingsService } from '../settings/settingsService';
import { ApiKeyStore } from './apiKey';
import { ApiLogRepo } from './apiLogRepo';
import { type ApiServer, startApiServer } from './server';
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

export interface ApiConfigPatch {
  enabled?: boolean;
  /** 0: a free port for this run only (tests); the setting keeps its last real port. */
  port?: number;
  allowedOrigins?: string[];
}

/** Why the server is not listening, in words (never the key: this ends up in logs). */
function listenError(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} is already in use by another program. Pick another port, or close that program.`;
  if (code === 'EACCES') return `Hearth may not listen on port ${port}. Ports below 1024 need administrator rights; pick a higher one.`;
  return `The API server could not start on port ${port}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The local OpenAI-compatible API server: off by default, on 127.0.0.1 only, behind a bearer key. Start, stop
 * and restart run one at a time, in the order asked, each ending in one `api:changed`.
 */
export class ApiService {
  private server: ApiServer | null = null;
  /** The port the running server was asked for (0 when it was given a free one). */
  private serverAsked: number | null = null;
  private error: string | null = null;
  /** This run only, never saved: `--api-port` in headless mode, or a free port (0) from a test. */
  private runPort: number | null = null;
  private runOn = false;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly keys: ApiKeyStore;
  private readonly logRepo: ApiLogRepo;

  constructor(private readonly d: ApiServiceDeps) {
    this.keys = new ApiKeyStore(d.dataDir);
    this.logRepo = new ApiLogRepo(d.db);
  }

  status(): ApiServerStatus {
    const s = this.d.settings.get();
    const port = this.server?.port ?? this.runPort ?? s.apiServerPort;
    return {
      enabled: s.apiServerEnabled || this.runOn,
      running: this.server !== null,
      port,
      baseUrl: this.server ? `http://127.0.0.1:${port}/v1` : null,
      key: this.keys.current(),
      keyFile: this.keys.path,
      allowedOrigins: s.apiAllowedOrigins,
      error: this.error,
    };
  }

  /**
   * Starts the server if the settings say it is on. `run` switches it on at that port for this run alone,
   * without changing the settings (headless `--api-port`).
   */
  start(run?: { port: number }): Promise<ApiServerStatus> {
    return this.serial(() => {
      if (run) {
        this.runOn = true;
        this.runPort = run.port;
      }
    });
  }

  /** Saves the change in the settings, then starts, stops or restarts; resolves once listening, or failed to. */
  configure(patch: ApiConfigPatch): Promise<ApiServerStatus> {
    return this.serial(() => {
      const next: Partial<Settings> = {};
      if (patch.enabled !== undefined) {
        next.apiServerEnabled = patch.enabled;
        // Switched off by the user: that outranks a --api-port given at launch.
        if (!patch.enabled) this.runOn = false;
      }
      if (patch.port !== undefined) {
        if (!Number.isInteger(patch.port) || patch.port < 0 || patch.port > 65535)
          throw new AppError('BAD_INPUT', 'A port is a whole number from 1 to 65535.');
        this.runPort = patch.port === 0 ? 0 : null;
        if (patch.port !== 0) next.apiServerPort = patch.port;
      }
      if (patch.allowedOrigins !== undefined) {
        const parsed = Settings.shape.apiAllowedOrigins.safeParse(patch.allowedOrigins);
        if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues[0]?.message ?? 'Those are not browser origins.');
        next.apiAllowedOrigins = [...new Set(parsed.data)];
      }
      if (Object.keys(next).length > 0) this.d.settings.update(next);
    });
  }

  /** A new key; the old one stops working with the next request. */
  regenerateKey(): Promise<ApiServerStatus> {
    return this.serial(() => {
      this.keys.regenerate();
    });
  }

  log(limit = 200): ApiLogEntry[] {
    return this.logRepo.list(limit);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serial(() => {});
  }

  /** Runs `change`, then brings the server to what the settings (and this run) ask for, and says so. */
  private serial(change: () => void): Promise<ApiServerStatus> {
    const run = this.queue.then(async () => {
      try {
        change();
      } finally {
        await this.reconcile();
      }
      return this.status();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async reconcile(): Promise<void> {
    const s = this.d.settings.get();
    const wanted = !this.disposed && (s.apiServerEnabled || this.runOn);
    const port = this.runPort ?? s.apiServerPort;
    if (this.server && (!wanted || this.serverAsked !== port)) {
      const old = this.server;
      this.server = null;
      this.serverAsked = null;
      await old.close();
    }
    if (!wanted) this.error = null;
    else if (!this.server) {
      try {
        const key = this.keys.ensure();
        this.server = await startApiServer({
          port,
          endpoints: this.d.endpoints,
          key: () => this.keys.current() ?? key,
          allowedOrigins: () => this.d.settings.get().apiAllowedOrigins,
          cancelClient: this.d.cancelClient,
          record: (entry) => this.record(entry),
        });
        this.serverAsked = port;
        this.error = null;
      } catch (error) {
        this.error = listenError(error, port);
        logWarn('API server did not start', new Error(this.error));
      }
    }
    this.d.events.emit('api:changed', this.status());
  }

  private record(entry: Omit<ApiLogEntry, 'id'>): void {
    try {
      this.d.events.emit('api:request', this.logRepo.add(entry));
    } catch (error) {
      // The database closes last at shutdown; a request cut off by that must not throw out of a socket event.
      logWarn('API request not logged', error);
    }
  }
}
