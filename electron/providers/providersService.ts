import type Database from 'better-sqlite3';
import type { Provider, ProviderCheck, ProviderInput, SecretStoreInfo } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { ChatBackend } from '../chat/chatBackend';
import type { EventBus } from '../lib/events';
import type { SecretStore } from './secretStore';

export interface ProvidersDeps {
  db: Database.Database;
  events: EventBus;
  secrets: SecretStore;
  /** Test hook: fetch timeouts (ms) for a request's headers and between streamed chunks. */
  timeoutMs?: number;
}

/** Remote OpenAI-compatible providers: the list, their keys (in the secret store), and a chat backend per model. */
export class ProvidersService {
  constructor(private readonly d: ProvidersDeps) {}

  list(): Provider[] {
    return [];
  }

  find(id: string): Provider | null {
    return this.list().find((p) => p.id === id) ?? null;
  }

  async save(_input: ProviderInput): Promise<Provider> {
    throw new AppError('UNSUPPORTED', 'Providers are not built yet.');
  }

  async remove(_id: string): Promise<void> {
    throw new AppError('UNSUPPORTED', 'Providers are not built yet.');
  }

  async check(_id: string): Promise<ProviderCheck> {
    throw new AppError('UNSUPPORTED', 'Providers are not built yet.');
  }

  secretStoreInfo(): SecretStoreInfo {
    return this.d.secrets.info();
  }

  /** A chat backend that writes answers with `model` at provider `id` (which must be enabled). */
  backendFor(_id: string, _model: string): ChatBackend {
    throw new AppError('UNSUPPORTED', 'Providers are not built yet.');
  }
}
