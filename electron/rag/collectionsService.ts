import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { Collection, CollectionDocument, IngestState, Passage } from '../../shared/rag';
import type { EventBus } from '../lib/events';
import type { Scheduler } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';

export interface CollectionsOptions {
  db: Database.Database;
  events: EventBus;
  scheduler: Scheduler;
  settings: SettingsService;
  /** A native dialog, where the shell has one (desktop). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>;
}

/** Collections of the user's files and folders: sources, background ingestion, watching, search. */
export class CollectionsService {
  constructor(private readonly o: CollectionsOptions) {}

  /** Resumes ingestion a previous run left unfinished, and starts watching watched folders. */
  start(): void {
    void this.o;
  }

  list(): Collection[] {
    return [];
  }

  create(_name: string): Collection {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  rename(_id: string, _name: string): Collection {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async remove(_id: string): Promise<void> {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async addSource(_id: string, _path: string, _watch: boolean): Promise<Collection> {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async removeSource(_id: string, _sourceId: string): Promise<Collection> {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async pickPath(_kind: 'file' | 'folder'): Promise<{ path: string | null }> {
    throw new AppError('UNSUPPORTED', 'This window cannot open a file dialog; type the path instead.');
  }

  documents(_id: string): CollectionDocument[] {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  reindex(_id: string, _full: boolean): IngestState {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  cancel(_id: string): IngestState {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async search(_ids: string[], _query: string, _limit: number): Promise<Passage[]> {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  async setEmbeddingModel(_path: string | null): Promise<{ path: string | null }> {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  /** Stops ingestion and watchers (what is pending stays pending for the next start). */
  async dispose(): Promise<void> {}
}
