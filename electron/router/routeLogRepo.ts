import type Database from 'better-sqlite3';
import { type RouteLogEntry, RouteRule } from '../../shared/api';

interface RouteLogRow {
  id: string;
  at: number;
  conversation_id: string;
  message_id: string;
  target: 'local' | 'remote';
  provider_id: string | null;
  provider_name: string | null;
  model: string;
  rule: string;
  reason: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: number;
}

/** A row to append: an entry plus the provider's id (kept for the record, not shown). */
export type NewRouteLogEntry = RouteLogEntry & { providerId: string | null };

const toEntry = (r: RouteLogRow): RouteLogEntry => {
  const rule = RouteRule.safeParse(r.rule);
  return {
    id: r.id,
    at: r.at,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    target: r.target,
    providerName: r.provider_name,
    model: r.model,
    // `rule` has no CHECK (the rules may grow): a value this version does not know reads as the policy's.
    rule: rule.success ? rule.data : 'policy',
    reason: r.reason,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    costUsd: r.cost_usd,
  };
};

/** The routing log: one row per routed answer, kept when its chat is deleted so the month's spending stays counted. */
export class RouteLogRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`
        INSERT INTO route_log (id, at, conversation_id, message_id, target, provider_id, provider_name, model, rule, reason,
          prompt_tokens, completion_tokens, cost_usd)
        VALUES (@id, @at, @conversationId, @messageId, @target, @providerId, @providerName, @model, @rule, @reason,
          @promptTokens, @completionTokens, @costUsd)`),
      newest: db.prepare<[number], RouteLogRow>('SELECT * FROM route_log ORDER BY at DESC, rowid DESC LIMIT ?'),
      spent: db.prepare<[number, number], { total: number }>(
        "SELECT COALESCE(SUM(cost_usd), 0) AS total FROM route_log WHERE target = 'remote' AND at >= ? AND at < ?",
      ),
    };
  }

  append(e: NewRouteLogEntry): void {
    this.stmts.insert.run(e);
  }

  /** The newest entries first. */
  newest(limit: number): RouteLogEntry[] {
    return this.stmts.newest.all(limit).map(toEntry);
  }

  /** Spent on remote answers in [from, to) (epoch ms), US dollars. */
  spent(from: number, to: number): number {
    return this.stmts.spent.get(from, to)?.total ?? 0;
  }
}
