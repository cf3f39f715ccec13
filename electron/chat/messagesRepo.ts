import type Database from 'better-sqlite3';
import { z } from 'zod';
import { MessageRoute } from '../../shared/api';
import { Citation } from '../../shared/rag';
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
  parent_id: string | null;
  active: number;
  citations: string | null;
  route: string | null;
}

/** A row read with its place among its siblings (list and get). */
interface PlacedRow extends MessageRow {
  branch_index: number;
  branch_count: number;
}

const toMessage = (r: MessageRow | PlacedRow): Message => ({
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
  parentId: r.parent_id,
  ...citationsOf(r.citations),
  ...routeOf(r.route),
  ...('branch_count' in r ? { branch: { index: r.branch_index, count: r.branch_count } } : {}),
});

const Citations = z.array(Citation);

/**
 * NULL: the answer consulted no collection (no `citations` key). `[]`: it searched its collections and found
 * nothing relevant (or nothing fit), which the UI says. The column is JSON the runner wrote; it is parsed all the
 * same, and a value that does not parse reads as no citations rather than breaking the conversation.
 */
function citationsOf(json: string | null): Pick<Message, 'citations'> {
  if (json === null) return {};
  try {
    const parsed = Citations.safeParse(JSON.parse(json));
    return parsed.success ? { citations: parsed.data } : {};
  } catch {
    return {};
  }
}

/** NULL: an answer from before routing, or a user message. JSON the runner wrote, parsed all the same (as citations). */
function routeOf(json: string | null): Pick<Message, 'route'> {
  if (json === null) return {};
  try {
    const parsed = MessageRoute.safeParse(JSON.parse(json));
    return parsed.success ? { route: parsed.data } : {};
  } catch {
    return {};
  }
}

/** Siblings share a conversation and a parent; `IS` so that the roots (NULL parent) are siblings too. */
const SIBLINGS = 's.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id';
const PLACED = `m.*,
  (SELECT COUNT(*) FROM messages s WHERE ${SIBLINGS} AND s.seq < m.seq) AS branch_index,
  (SELECT COUNT(*) FROM messages s WHERE ${SIBLINGS}) AS branch_count`;

/**
 * The current branch of a conversation: from its active root down through each message's active child, each
 * step one lookup in messages_by_parent.
 */
/** The current branch: the active first message, then each message's active reply (exported for its plan test). */
export const BRANCH = `WITH RECURSIVE branch(id, depth) AS (
    SELECT id, 0 FROM messages WHERE conversation_id = @c AND parent_id IS NULL AND active = 1
    UNION ALL
    SELECT m.id, b.depth + 1 FROM branch b
      JOIN messages m INDEXED BY messages_children ON m.parent_id = b.id AND m.active = 1
  )`;

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
        INSERT INTO messages (id, conversation_id, seq, role, content, status, error, model, thoughts, thought_ms, created_at,
          parent_id, active, route)
        VALUES (@id, @conversationId,
          (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = @conversationId),
          @role, @content, @status, @error, @model, @thoughts, @thoughtMs, @createdAt, @parentId, 1, @route)`),
      // The new message becomes current among its siblings.
      deactivateSiblings: db.prepare<[string, string | null, string]>(
        'UPDATE messages SET active = 0 WHERE conversation_id = ? AND parent_id IS ? AND id != ? AND active = 1',
      ),
      list: db.prepare<{ c: string }, PlacedRow>(
        `${BRANCH} SELECT ${PLACED} FROM branch b JOIN messages m ON m.id = b.id ORDER BY b.depth`,
      ),
      branchIds: db.prepare<{ c: string }, { id: string }>(`${BRANCH} SELECT id FROM branch ORDER BY depth`),
      some: db.prepare<[string], PlacedRow>(`SELECT ${PLACED} FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))`),
      leaf: db.prepare<{ c: string }, { id: string }>(`${BRANCH} SELECT id FROM branch ORDER BY depth DESC LIMIT 1`),
      get: db.prepare<[string], PlacedRow>(`SELECT ${PLACED} FROM messages m WHERE m.id = ?`),
      path: db.prepare<[string], MessageRow>(`
        WITH RECURSIVE up(id, depth) AS (
          SELECT id, 0 FROM messages WHERE id = ?
          UNION ALL
          SELECT m.parent_id, u.depth + 1 FROM up u JOIN messages m ON m.id = u.id WHERE m.parent_id IS NOT NULL
        )
        SELECT m.* FROM up u JOIN messages m ON m.id = u.id ORDER BY u.depth DESC`),
      siblings: db.prepare<[string], { id: string; active: number }>(`
        SELECT s.id, s.active FROM messages m JOIN messages s ON ${SIBLINGS} WHERE m.id = ? ORDER BY s.seq`),
      activate: db.prepare<[string]>('UPDATE messages SET active = 1 WHERE id = ?'),
      hasChildren: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM messages m WHERE m.parent_id = ? LIMIT 1'),
      deleteSubtree: db.prepare<[string]>(`
        WITH RECURSIVE sub(id) AS (
          SELECT id FROM messages WHERE id = ?
          UNION ALL
          SELECT m.id FROM sub JOIN messages m INDEXED BY messages_children ON m.parent_id = sub.id
        )
        DELETE FROM messages WHERE id IN (SELECT id FROM sub)`),
      reopen: db.prepare<[string]>("UPDATE messages SET status = 'streaming', error = NULL WHERE id = ?"),
      saveContent: db.prepare('UPDATE messages SET content = ?, thoughts = ? WHERE id = ?'),
      finish: db.prepare(`
        UPDATE messages SET content = @content, status = @status, error = @error, prompt_tokens = @promptTokens,
          completion_tokens = @completionTokens, ttft_ms = @timeToFirstTokenMs, duration_ms = @durationMs,
          thoughts = @thoughts, thought_ms = @thoughtMs, gpu = @gpu, gpu_layers = @gpuLayers, total_layers = @totalLayers,
          dropped_messages = @droppedMessages
        WHERE id = @id`),
      setCitations: db.prepare<[string | null, string]>('UPDATE messages SET citations = ? WHERE id = ?'),
      setRoute: db.prepare<[string, string]>('UPDATE messages SET route = ? WHERE id = ?'),
      failInterrupted: db.prepare("UPDATE messages SET status = 'failed', error = ? WHERE status = 'streaming'"),
    };
  }

  /**
   * A new message, current among its siblings; it has no thoughts unless given (an import may bring them).
   * `parentId` undefined: it follows the last message of the current branch; null: it is a first message.
   */
  insert(m: Omit<Message, 'stats' | 'thoughts' | 'thoughtMs'> & Partial<Pick<Message, 'thoughts' | 'thoughtMs'>>): void {
    const parentId = m.parentId === undefined ? this.leafId(m.conversationId) : m.parentId;
    this.stmts.deactivateSiblings.run(m.conversationId, parentId, m.id);
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
      parentId,
      route: m.route ? JSON.stringify(m.route) : null,
    });
  }

  /** The messages of the conversation's current branch, oldest first, each with its place among its siblings. */
  list(conversationId: string): Message[] {
    return this.stmts.list.all({ c: conversationId }).map(toMessage);
  }

  /** The ids of the conversation's current branch, oldest first: cheap, so a page can be cut before rows are read. */
  listIds(conversationId: string): string[] {
    return this.stmts.branchIds.all({ c: conversationId }).map((r) => r.id);
  }

  /** These messages, in the order given. */
  listSome(ids: readonly string[]): Message[] {
    const byId = new Map(this.stmts.some.all(JSON.stringify(ids)).map((r) => [r.id, toMessage(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The last message of the conversation's current branch; null when it has none. */
  leafId(conversationId: string): string | null {
    return this.stmts.leaf.get({ c: conversationId })?.id ?? null;
  }

  get(id: string): Message | null {
    const r = this.stmts.get.get(id);
    return r ? toMessage(r) : null;
  }

  /** A message and the messages it follows, oldest first: the history it was (or will be) written after. */
  pathTo(id: string): Message[] {
    return this.stmts.path.all(id).map(toMessage);
  }

  hasChildren(id: string): boolean {
    return this.stmts.hasChildren.get(id) !== undefined;
  }

  /**
   * Makes the previous or next sibling of a message current (and so the branch under it, which keeps its own
   * current children); returns its id, or the message's own id at either end.
   */
  switchBranch(id: string, direction: 'previous' | 'next'): string {
    const m = this.stmts.get.get(id);
    const siblings = this.stmts.siblings.all(id);
    const target = siblings[siblings.findIndex((s) => s.id === id) + (direction === 'next' ? 1 : -1)];
    if (!m || !target) return id;
    this.stmts.deactivateSiblings.run(m.conversation_id, m.parent_id, target.id);
    this.stmts.activate.run(target.id);
    return target.id;
  }

  /**
   * Deletes a message and its subtree (the FTS triggers fire per row). When it was current, the sibling written
   * last becomes current, so the branch goes on through it rather than ending at the parent.
   */
  delete(id: string): void {
    const m = this.stmts.get.get(id);
    if (!m) return;
    const rest = this.stmts.siblings.all(id).filter((s) => s.id !== id);
    this.stmts.deleteSubtree.run(id);
    const last = rest.at(-1);
    if (m.active && last && !rest.some((s) => s.active)) this.stmts.activate.run(last.id);
  }

  /** An answer that will be written further (continue): streaming again, its old error gone. */
  reopen(id: string): void {
    this.stmts.reopen.run(id);
  }

  /** Saves the text and thoughts written so far, so a killed app keeps the partial answer. */
  saveContent(id: string, content: string, thoughts = ''): void {
    this.stmts.saveContent.run(content, thoughts, id);
  }

  finish(id: string, status: Exclude<MessageStatus, 'streaming'>, end: MessageEnd): void {
    const { stats, ...rest } = end;
    this.stmts.finish.run({ id, status, ...rest, ...stats });
  }

  /** The passages an answer cites, numbered as it cites them; `[]`: it searched and found nothing; null: it did not search. */
  setCitations(id: string, citations: readonly Citation[] | null): void {
    this.stmts.setCitations.run(citations === null ? null : JSON.stringify(citations), id);
  }

  /** Where an answer ran and why, with its cost once known. */
  setRoute(id: string, route: MessageRoute): void {
    this.stmts.setRoute.run(JSON.stringify(route), id);
  }

  /**
   * Keeps one answer of several (compare): it becomes current, and its sibling answers go. A sibling the
   * conversation went on from (it has replies) stays as a version: keeping a compared answer early in a chat must
   * never delete the rest of the chat. Returns the ids of the siblings deleted.
   */
  keepOnly(id: string): string[] {
    const m = this.stmts.get.get(id);
    if (!m) return [];
    const others = this.stmts.siblings.all(id).filter((s) => s.id !== id && !this.hasChildren(s.id));
    this.stmts.deactivateSiblings.run(m.conversation_id, m.parent_id, id);
    this.stmts.activate.run(id);
    for (const o of others) this.stmts.deleteSubtree.run(o.id);
    return others.map((o) => o.id);
  }

  /** Answers left `streaming` by a process that died become `failed`; returns how many. */
  failInterrupted(reason: string): number {
    return this.stmts.failInterrupted.run(reason).changes;
  }
}
