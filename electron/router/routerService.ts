import type Database from 'better-sqlite3';
import type { AnswerTarget, ConversationRouting, Provider, RemoteModelRef, RouteLog, RoutePolicy } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { SettingsService } from '../settings/settingsService';
import { costUsd, monthRange } from './cost';
import { type Decision, decide, decideTarget } from './decide';
import { type NewRouteLogEntry, RouteLogRepo } from './routeLogRepo';
import { DEFAULT_ROUTING, RoutingRepo } from './routingRepo';

export interface RouterDeps {
  db: Database.Database;
  events: EventBus;
  settings: SettingsService;
  providers: { find(id: string): Provider | null };
  /** The collections attached to a conversation (document Q&A): such a conversation never leaves the machine. */
  collectionsOf: (conversationId: string) => string[];
  now?: () => number;
}

/** What one answer's decision needs beyond the conversation: the message and the estimated size of the exchange. */
export interface RouteRequest {
  text: string;
  promptTokens: number;
  answerTokens: number;
}

/** Per-conversation routing (local, remote, auto; private), the routing log, and the month's remote spending. */
export class RouterService {
  private readonly routing: RoutingRepo;
  private readonly logRepo: RouteLogRepo;
  private readonly now: () => number;

  /** Estimated costs of remote answers decided and not yet recorded, by hold id. */
  private readonly holds = new Map<string, number>();

  constructor(private readonly d: RouterDeps) {
    this.routing = new RoutingRepo(d.db, () => d.settings.get().newChatRoutePolicy);
    this.logRepo = new RouteLogRepo(d.db);
    this.now = d.now ?? Date.now;
  }

  get(conversationId: string): ConversationRouting {
    return this.routing.get(conversationId);
  }

  /** A partial update: absent keys stay; `remote: null` goes back to the default remote model in settings. */
  set(conversationId: string, patch: { policy?: RoutePolicy; private?: boolean; remote?: RemoteModelRef | null }): ConversationRouting {
    if (!this.routing.conversationExists(conversationId)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
    if (patch.remote) {
      const provider = this.d.providers.find(patch.remote.providerId);
      if (!provider) throw new AppError('NOT_FOUND', 'That provider does not exist: add it under Connections first.');
      if (!provider.models.some((m) => m.id === patch.remote?.model)) {
        throw new AppError('BAD_INPUT', `${provider.name} does not list ${patch.remote.model}: add it to the provider's models first.`);
      }
    }
    const next = { ...this.routing.get(conversationId), ...patch };
    this.routing.put(next);
    this.d.events.emit('router:changed', { conversationId });
    return this.routing.get(conversationId);
  }

  /** The newest routed answers, with this calendar month's (UTC) remote spending and the cap. */
  log(limit = 200): RouteLog {
    return { entries: this.logRepo.newest(limit), monthCostUsd: this.monthSpend(), monthlyCapUsd: this.d.settings.get().monthlyCostCapUsd };
  }

  /** Spent on remote answers this calendar month (UTC), US dollars. */
  monthSpend(): number {
    const { from, to } = monthRange(this.now());
    return this.logRepo.spent(from, to);
  }

  /**
   * Where a conversation's next answer runs (a new chat, not saved yet, has no routing: local). A remote decision
   * holds its estimated cost until the answer is recorded, so answers written at the same time cannot together pass
   * the cap that each one alone would keep under.
   */
  decide(conversationId: string | null, request: RouteRequest): Decision & { hold?: string } {
    const s = this.d.settings.get();
    const held = [...this.holds.values()].reduce((a, b) => a + b, 0);
    const decision = decide({
      ...this.facts(conversationId),
      defaultRemote: s.defaultRemote,
      text: request.text,
      promptTokens: request.promptTokens,
      answerTokens: request.answerTokens,
      monthSpendUsd: this.monthSpend() + held,
      capUsd: s.monthlyCostCapUsd,
      threshold: s.autoRemoteThreshold,
    });
    if (decision.target !== 'remote') return decision;
    const hold = newId();
    this.holds.set(hold, costUsd(decision.model, request.promptTokens, request.answerTokens));
    return { ...decision, hold };
  }

  /** An answer that held an estimate has ended (recorded, or never started): the estimate goes. */
  release(hold: string | undefined): void {
    if (hold) this.holds.delete(hold);
  }

  /** The place the user named (run elsewhere, compare); FORBIDDEN for a private or document chat going out. */
  decideTarget(conversationId: string, target: AnswerTarget): Decision {
    return decideTarget(this.facts(conversationId), target);
  }

  /** Appends a routed answer to the log; the month's spending (and so the cap) counts it from now on. */
  record(entry: Omit<NewRouteLogEntry, 'id' | 'at'>): void {
    this.logRepo.append({ ...entry, id: newId(), at: this.now() });
    this.d.events.emit('router:changed', { conversationId: entry.conversationId });
  }

  private facts(conversationId: string | null) {
    return {
      routing: conversationId
        ? this.routing.get(conversationId)
        : { ...DEFAULT_ROUTING(''), policy: this.d.settings.get().newChatRoutePolicy },
      hasDocuments: conversationId ? this.d.collectionsOf(conversationId).length > 0 : false,
      provider: (id: string) => this.d.providers.find(id),
    };
  }
}
