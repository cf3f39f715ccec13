import type Database from 'better-sqlite3';
import type { Message, MessageRole, MessageStats, MessageStatus } from '../../shared/types';

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  error: string | null;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  ttft_ms: number | null;
  duration_ms: number | null;
  thoughts: string;
  thought_ms: number | null;
  gpu: string | null;
  gpu_layers: number | null;
  total_layers: number | null;
  dropped_messages: number | null;
  created_at: number;
}

const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conversationId: r.conversation_id,
  role: r.role,
  content: r.content,
  status: r.status,
  error: r.error,
  model: r.model,
  stats: {
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    timeToFirstTokenMs: r.ttft_ms,
    durationMs: r.duration_ms,
    gpu: r.gpu,
    gpuLayers: r.gpu_layers,
    totalLayers: r.total_layers,
    droppedMessages: r.dropped_messages,
  },
  thoughts: r.thoughts,
  thoughtMs: r.thought_ms,
  createdAt: r.created_at,
});

export const EMPTY_STATS: MessageStats = {
  promptTokens: null,
  completionTokens: null,
  timeToFirstTokenMs: null,
  durationMs: null,
  gpu: null,
  gpuLayers: null,
  totalLayers: null,
  droppedMessages: null,
};

/** What an answer ends with besides its status: its text, its thoughts and how it was written. */
export interface MessageEnd {
  content: string;
  error: string | null;
  stats: MessageStats;
  thoughts: string;
  thoughtMs: number | null;
}

/** The only place message rows meet camelCase. */
export class MessagesRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`
        INSERT INTO messages (id, conversation_id, seq, role, content, status, error, model, thoughts, thought_ms, created_at)
        VALUES (@id, @conversationId,
          (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = @conversationId),
          @role, @content, @status, @error, @model, @thoughts, @thoughtMs, @createdAt)`),
      list: db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq'),
      get: db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?'),
      saveContent: db.prepare('UPDATE messages SET content = ?, thoughts = ? WHERE id = ?'),
      finish: db.prepare(`
        UPDATE messages SET content = @content, status = @status, error = @error, prompt_tokens = @promptTokens,
          completion_tokens = @completionTokens, ttft_ms = @timeToFirstTokenMs, duration_ms = @durationMs,
          thoughts = @thoughts, thought_ms = @thoughtMs, gpu = @gpu, gpu_layers = @gpuLayers, total_layers = @totalLayers,
          dropped_messages = @droppedMessages
        WHERE id = @id`),
      failInterrupted: db.prepare("UPDATE messages SET status = 'failed', error = ? WHERE status = 'streaming'"),
    };
  }

  /** A new message; it has no thoughts unless given (an import may bring them). */
  insert(m: Omit<Message, 'stats' | 'thoughts' | 'thoughtMs'> & Partial<Pick<Message, 'thoughts' | 'thoughtMs'>>): void {
    this.stmts.insert.run({
      id: m.id,
      conversationId: m.conversationId,
      role: m.role,
      content: m.content,
      status: m.status,
      error: m.error,
      model: m.model,
      thoughts: m.thoughts ?? '',
      thoughtMs: m.thoughtMs ?? null,
      createdAt: m.createdAt,
    });
  }

  list(conversationId: string): Message[] {
    return this.stmts.list.all(conversationId).map(toMessage);
  }
  get(id: string): Message | null {
    const r = this.stmts.get.get(id);
    return r ? toMessage(r) : null;
  }

  /** Saves the text and thoughts written so far, so a killed app keeps the partial answer. */
  saveContent(id: string, content: string, thoughts = ''): void {
    this.stmts.saveContent.run(content, thoughts, id);
  }

  finish(id: string, status: Exclude<MessageStatus, 'streaming'>, end: MessageEnd): void {
    const { stats, ...rest } = end;
    this.stmts.finish.run({ id, status, ...rest, ...stats });
  }

  /** Answers left `streaming` by a process that died become `failed`; returns how many. */
  failInterrupted(reason: string): number {
    return this.stmts.failInterrupted.run(reason).changes;
  }
}
