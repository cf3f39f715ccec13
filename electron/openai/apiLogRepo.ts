import type Database from 'better-sqlite3';
import type { ApiLogEntry } from '../../shared/api';
import { newId } from '../lib/ids';

interface ApiLogRow {
  id: string;
  at: number;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  model: string | null;
  stream: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  client: string | null;
  error: string | null;
}

const toEntry = (r: ApiLogRow): ApiLogEntry => ({
  id: r.id,
  at: r.at,
  method: r.method,
  path: r.path,
  status: r.status,
  durationMs: r.duration_ms,
  model: r.model,
  stream: r.stream === 1,
  promptTokens: r.prompt_tokens,
  completionTokens: r.completion_tokens,
  client: r.client,
  error: r.error,
});

/** How many requests the log keeps: enough to see what a tool did today, small enough to never matter on disk. */
export const API_LOG_KEEP = 1000;

/** The API server's request log (`api_log`): the only place its rows meet camelCase. */
export class ApiLogRepo {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly keep = API_LOG_KEEP,
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO api_log (id, at, method, path, status, duration_ms, model, stream, prompt_tokens, completion_tokens, client, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Rows are only ever appended, so rowid order is arrival order and the newest rowid is never reused.
      trim: db.prepare('DELETE FROM api_log WHERE rowid <= (SELECT rowid FROM api_log ORDER BY rowid DESC LIMIT 1 OFFSET ?)'),
      list: db.prepare<[number], ApiLogRow>('SELECT * FROM api_log ORDER BY rowid DESC LIMIT ?'),
    };
  }

  add(entry: Omit<ApiLogEntry, 'id'>): ApiLogEntry {
    const full: ApiLogEntry = { id: newId(), ...entry };
    this.db.transaction(() => {
      this.stmts.insert.run(
        full.id,
        full.at,
        full.method,
        full.path,
        full.status,
        full.durationMs,
        full.model,
        full.stream ? 1 : 0,
        full.promptTokens,
        full.completionTokens,
        full.client,
        full.error,
      );
      this.stmts.trim.run(this.keep);
    })();
    return full;
  }

  /** The newest first. */
  list(limit: number): ApiLogEntry[] {
    return this.stmts.list.all(limit).map(toEntry);
  }
}
