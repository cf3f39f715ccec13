import type Database from 'better-sqlite3';
import { type ConversationRouting, RoutePolicy } from '../../shared/api';

interface RoutingRow {
  conversation_id: string;
  policy: string;
  private: number;
  remote_provider_id: string | null;
  remote_model: string | null;
}

/** No row: local only, not private, no remote model of its own (the default in settings applies). */
export const DEFAULT_ROUTING = (conversationId: string): ConversationRouting => ({
  conversationId,
  policy: 'local',
  private: false,
  remote: null,
});

const toRouting = (r: RoutingRow): ConversationRouting => {
  // The CHECK admits only the three policies; parsing keeps a row edited by hand from reaching the router as one.
  const policy = RoutePolicy.safeParse(r.policy);
  return {
    conversationId: r.conversation_id,
    policy: policy.success ? policy.data : 'local',
    private: r.private === 1,
    remote: r.remote_provider_id !== null && r.remote_model !== null ? { providerId: r.remote_provider_id, model: r.remote_model } : null,
  };
};

/** The only place conversation_routing rows meet camelCase. */
export class RoutingRepo {
  private readonly stmts;

  /** `defaultPolicy`: the policy of a conversation that has chosen none (the setting for new chats). */
  constructor(
    db: Database.Database,
    private readonly defaultPolicy: () => ConversationRouting['policy'] = () => 'local',
  ) {
    this.stmts = {
      get: db.prepare<[string], RoutingRow>('SELECT * FROM conversation_routing WHERE conversation_id = ?'),
      conversationExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM conversations WHERE id = ?'),
      upsert: db.prepare(`
        INSERT INTO conversation_routing (conversation_id, policy, private, remote_provider_id, remote_model)
        VALUES (@conversationId, @policy, @private, @providerId, @model)
        ON CONFLICT (conversation_id) DO UPDATE SET policy = excluded.policy, private = excluded.private,
          remote_provider_id = excluded.remote_provider_id, remote_model = excluded.remote_model`),
    };
  }

  get(conversationId: string): ConversationRouting {
    const row = this.stmts.get.get(conversationId);
    return row ? toRouting(row) : { ...DEFAULT_ROUTING(conversationId), policy: this.defaultPolicy() };
  }

  conversationExists(conversationId: string): boolean {
    return this.stmts.conversationExists.get(conversationId) !== undefined;
  }

  put(r: ConversationRouting): void {
    this.stmts.upsert.run({
      conversationId: r.conversationId,
      policy: r.policy,
      private: r.private ? 1 : 0,
      providerId: r.remote?.providerId ?? null,
      model: r.remote?.model ?? null,
    });
  }
}
