import { AppError } from '../../../shared/errors';
import { z } from 'zod';
import type { ImportedConversation, ImportedMessage } from './importedConversation';
import { LIMITS } from './limits';

const nodeId = z.string().max(200);
/** Seconds since the epoch, as ChatGPT writes them (with a fraction), or null. */
const seconds = z
  .number()
  .min(0)
  .max(LIMITS.maxTime / 1000)
  .nullish();

const ChatGptMessage = z.object({
  author: z.object({ role: z.string().max(100) }),
  content: z.object({
    content_type: z.string().max(200),
    parts: z.array(z.unknown()).max(10_000).optional(),
  }),
  create_time: seconds,
  /** Who the message was for: `all` is the conversation; anything else is a tool call. */
  recipient: z.string().max(200).nullish(),
  metadata: z
    .object({
      is_visually_hidden_from_conversation: z.boolean().nullish(),
      model_slug: z.string().max(200).nullish(),
    })
    .nullish(),
});

const ChatGptNode = z.object({
  message: ChatGptMessage.nullish(),
  parent: nodeId.nullish(),
  children: z.array(nodeId).max(100_000).default([]),
});

const ChatGptConversation = z.object({
  title: z.string().max(10_000).nullish(),
  create_time: seconds,
  update_time: seconds,
  mapping: z.record(nodeId, ChatGptNode),
  current_node: nodeId.nullish(),
});

/** ChatGPT's data export, `conversations.json`: an array of conversations, each a tree of message nodes. */
export const ChatGptExport = z.array(ChatGptConversation).max(LIMITS.messages);
export type ChatGptExport = z.output<typeof ChatGptExport>;
type Conversation = z.output<typeof ChatGptConversation>;
type Node = z.output<typeof ChatGptNode>;

const ms = (s: number | null | undefined, fallback: number): number => (typeof s === 'number' ? Math.round(s * 1000) : fallback);

/** The message a node shows in Hearth, or null when it has none to show (tool traffic, hidden, empty, non-text). */
function toMessage(node: Node, fallbackTime: number): ImportedMessage | null {
  const m = node.message;
  const role = m?.author.role === 'user' ? 'user' : m?.author.role === 'assistant' ? 'assistant' : null;
  if (!m || !role) return null;
  if (m.metadata?.is_visually_hidden_from_conversation) return null;
  if (m.recipient && m.recipient !== 'all') return null;
  if (m.content.content_type !== 'text' && m.content.content_type !== 'multimodal_text') return null;
  const content = (m.content.parts ?? []).filter((p): p is string => typeof p === 'string').join('\n\n');
  if (!content.trim()) return null;
  if (content.length > LIMITS.messageChars)
    throw new AppError(
      'BAD_INPUT',
      `A message in this file is longer than ${LIMITS.messageChars.toLocaleString('en')} characters. Nothing was imported.`,
    );
  return {
    role,
    content,
    status: 'complete',
    error: null,
    model: role === 'assistant' ? (m.metadata?.model_slug ?? null) : null,
    createdAt: ms(m.create_time, fallbackTime),
    stats: null,
    thoughts: '',
    thoughtMs: null,
  };
}

/** Counts what a whole import writes and visits, and stops it the moment either goes over its limit. */
export class ImportBudget {
  messages = 0;
  private visits = 0;
  visit(): void {
    if (++this.visits > LIMITS.nodeVisits)
      throw new AppError('BAD_INPUT', 'This ChatGPT export has more message nodes than Hearth reads at once. Nothing was imported.');
  }
  add(n: number): void {
    this.messages += n;
    if (this.messages > LIMITS.messages) {
      throw new AppError(
        'BAD_INPUT',
        `This file holds more than ${LIMITS.messages.toLocaleString('en')} messages (each branch counted in full); Hearth imports at most that many at once. Nothing was imported.`,
      );
    }
  }
}

/** The node ids from the root down to `leaf`; a loop in the parent links is a damaged file. */
function pathTo(leaf: string, mapping: Map<string, Node>, budget: ImportBudget, title: string): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  for (let id: string | null | undefined = leaf; id != null && mapping.has(id); id = mapping.get(id)!.parent) {
    if (seen.has(id))
      throw new AppError(
        'BAD_INPUT',
        `This ChatGPT export is damaged: the messages of “${title}” loop back on themselves. Nothing was imported.`,
      );
    seen.add(id);
    budget.visit();
    path.push(id);
  }
  return path.reverse();
}

/**
 * One ChatGPT conversation as Hearth conversations: the branch that ends at `current_node` (the one the user last
 * saw), then every other branch as "<title> (branch N)", each in full from the first message. A branch that shows
 * the same messages as one already taken (it differed only in hidden or tool nodes) is not repeated.
 */
function fromConversation(c: Conversation, budget: ImportBudget, now: number): { conversations: ImportedConversation[]; skipped: number } {
  const mapping = new Map(Object.entries(c.mapping));
  const title = (c.title ?? '').trim() || 'Imported chat';
  const createdAt = ms(c.create_time, now);
  const updatedAt = ms(c.update_time, createdAt);
  // The parent links are the tree; `children` only orders siblings. Nodes on a loop hang from no root and are never
  // reached (unless the file says the user was on one: see pathTo).
  const kids = new Map<string, string[]>();
  for (const [id, n] of mapping) {
    if (n.parent == null || !mapping.has(n.parent)) continue;
    const list = kids.get(n.parent);
    if (list) list.push(id);
    else kids.set(n.parent, [id]);
  }
  for (const [parent, list] of kids) {
    const order = new Map(mapping.get(parent)!.children.map((id, i) => [id, i]));
    list.sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
  }
  // Leaves in the order a reader meets them: depth first from the roots, siblings in their stored order.
  const leaves: string[] = [];
  const stack = [...mapping.entries()].filter(([, n]) => n.parent == null || !mapping.has(n.parent)).map(([id]) => id);
  stack.reverse();
  while (stack.length) {
    const id = stack.pop()!;
    budget.visit();
    const children = kids.get(id) ?? [];
    if (children.length === 0) leaves.push(id);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  const current = c.current_node && mapping.has(c.current_node) ? c.current_node : (leaves.at(-1) ?? null);
  const ends = current ? [current, ...leaves.filter((l) => l !== current)] : leaves;

  const out: ImportedConversation[] = [];
  const shown = new Set<string>();
  const used = new Set<string>();
  let skipped = 0;
  for (const end of ends) {
    const path = pathTo(end, mapping, budget, title);
    const messages: ImportedMessage[] = [];
    for (const id of path) {
      const m = toMessage(mapping.get(id)!, createdAt);
      if (m) messages.push(m);
      else if (mapping.get(id)!.message && !used.has(id)) skipped++;
      used.add(id);
    }
    const key = JSON.stringify(messages.map((m) => [m.role, m.content]));
    if (messages.length === 0 || shown.has(key)) continue;
    shown.add(key);
    budget.add(messages.length);
    const n = out.length;
    out.push({ title: n === 0 ? title : `${title} (branch ${n})`, createdAt, updatedAt, pinned: false, messages, isBranch: n > 0 });
  }
  return { conversations: out, skipped };
}

/** Every conversation of a ChatGPT export, branches included, oldest first. */
export function fromChatGpt(
  data: ChatGptExport,
  budget: ImportBudget,
  now: number,
): { conversations: ImportedConversation[]; skipped: number } {
  const conversations: ImportedConversation[] = [];
  let skipped = 0;
  for (const c of [...data].sort((a, b) => (a.create_time ?? 0) - (b.create_time ?? 0))) {
    const r = fromConversation(c, budget, now);
    conversations.push(...r.conversations);
    skipped += r.skipped;
  }
  return { conversations, skipped };
}
