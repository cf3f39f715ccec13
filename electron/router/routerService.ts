import type Database from 'better-sqlite3';
import type { ConversationRouting, RemoteModelRef, RouteLog, RoutePolicy } from '../../shared/api';
import type { EventBus } from '../lib/events';
import type { ProvidersService } from '../providers/providersService';
import type { SettingsService } from '../settings/settingsService';

export interface RouterDeps {
  db: Database.Database;
  events: EventBus;
  settings: SettingsService;
  providers: ProvidersService;
  /** The collections attached to a conversation (document Q&A): such a conversation never leaves the machine. */
  collectionsOf: (conversationId: string) => string[];
  now?: () => number;
}

/** Per-conversation routing (local, remote, auto; private), the routing log, and the month's remote spending. */
export class RouterService {
  constructor(private readonly d: RouterDeps) {}

  get(conversationId: string): ConversationRouting {
    return { conversationId, policy: 'local', private: false, remote: null };
  }

  set(conversationId: string, _patch: { policy?: RoutePolicy; private?: boolean; remote?: RemoteModelRef | null }): ConversationRouting {
    return this.get(conversationId);
  }

  log(_limit = 200): RouteLog {
    return { entries: [], monthCostUsd: 0, monthlyCapUsd: this.d.settings.get().monthlyCostCapUsd };
  }
}
