import { AppError } from '../../shared/errors';
import type { Conversation, ConversationSummary, ConversationWithMessages, ExportFile, ImportResult, SearchHit } from '../../shared/types';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import type { ConversationsRepo } from './conversationsRepo';
import type { MessagesRepo } from './messagesRepo';
import { toHearthExport } from './portability/hearthFormat';
import { parseImportFile } from './portability/importFile';
import { toMarkdown } from './portability/markdown';
import { ImportUploads } from './portability/uploads';
import type { SearchRepo } from './searchRepo';

export interface ConversationsDeps {
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  search: SearchRepo;
  events: EventBus;
  /** Stops the conversation's answer, if one is being written, before it is deleted. */
  stopAnswersIn: (conversationId: string) => Promise<void>;
  /** Runs its function in one write transaction. */
  transaction: <T>(fn: () => T) => T;
  now?: () => number;
}

const NOT_FOUND = 'That conversation does not exist.';

/** Which messages `get` returns: see the `conversations:get` contract. */
export interface MessagePage {
  limit?: number | undefined;
  before?: string | undefined;
  since?: string | undefined;
}

/** A file name made of the title's letters and digits. */
const fileStem = (title: string): string =>
  title
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .toLowerCase() || 'chat';

/** Conversation CRUD, pins, search, export and import. Answers are the runner's. */
export class ConversationsService {
  private readonly now: () => number;
  private readonly uploads: ImportUploads;

  constructor(private readonly deps: ConversationsDeps) {
    this.now = deps.now ?? Date.now;
    this.uploads = new ImportUploads(this.now);
  }

  list(): ConversationSummary[] {
    return this.deps.conversations.list();
  }

  /**
   * A conversation with its current branch's messages, oldest first: all of them, or a page of them (see the
   * `conversations:get` contract). A message id that is not on the branch is NOT_FOUND.
   */
  get(id: string, page: MessagePage = {}): ConversationWithMessages & { hasMore: boolean } {
    const c = this.deps.conversations.get(id);
    if (!c) throw new AppError('NOT_FOUND', NOT_FOUND);
    // The branch's ids are read whole (cheap) and cut here; only the page's rows are read.
    const all = this.deps.messages.listIds(id);
    const at = (messageId: string): number => {
      const i = all.indexOf(messageId);
      if (i < 0) throw new AppError('NOT_FOUND', 'That message is not in this conversation.');
      return i;
    };
    const end = page.before === undefined ? all.length : at(page.before);
    const start = page.since !== undefined ? Math.min(at(page.since), end) : page.limit !== undefined ? Math.max(0, end - page.limit) : 0;
    return { ...c, messages: this.deps.messages.listSome(all.slice(start, end)), hasMore: start > 0 };
  }

  create(title = 'New chat'): Conversation {
    const t = this.now();
    const c: Conversation = { id: newId(), title, createdAt: t, updatedAt: t };
    this.deps.conversations.insert(c);
    this.deps.events.emit('conversations:changed', { conversationId: c.id });
    return c;
  }

  /** A title the user chose; Hearth never replaces it with one of its own. */
  rename(id: string, title: string): ConversationSummary {
    if (!this.deps.conversations.get(id)) throw new AppError('NOT_FOUND', NOT_FOUND);
    this.deps.conversations.rename(id, title, this.now());
    this.deps.events.emit('conversations:changed', { conversationId: id });
    return this.found(id);
  }

  /** Pinned chats list first, the most recently active first among them. */
  pin(id: string, pinned: boolean): ConversationSummary {
    if (!this.deps.conversations.pin(id, pinned ? this.now() : null)) throw new AppError('NOT_FOUND', NOT_FOUND);
    this.deps.events.emit('conversations:changed', { conversationId: id });
    return this.found(id);
  }

  async remove(id: string): Promise<void> {
    await this.deps.stopAnswersIn(id);
    if (!this.deps.conversations.remove(id)) throw new AppError('NOT_FOUND', NOT_FOUND);
    this.deps.events.emit('conversations:changed', { conversationId: id });
  }

  /** Matching titles, then matching messages with their snippets (see SearchRepo for the order). */
  search(query: string): SearchHit[] {
    return this.deps.search.search(query).hits;
  }

  /** One conversation (`id`) or all of them (`null`), as Markdown or as Hearth's JSON. */
  export(id: string | null, format: 'markdown' | 'json'): ExportFile {
    const chosen = id === null ? this.deps.conversations.listByCreation() : [this.found(id)];
    const all = chosen.map((conversation) => ({ conversation, messages: this.deps.messages.list(conversation.id) }));
    const stem = id === null ? `hearth-chats-${new Date(this.now()).toISOString().slice(0, 10)}` : fileStem(chosen[0]!.title);
    if (format === 'markdown') {
      return {
        fileName: `${stem}.md`,
        mimeType: 'text/markdown',
        content: all.map((c) => toMarkdown(c.conversation, c.messages)).join('\n---\n\n'),
      };
    }
    // One chat is written to be read; all of them, compact (about half the size).
    const json = JSON.stringify(toHearthExport(all, this.now()), null, id === null ? undefined : 2);
    return { fileName: `${stem}.json`, mimeType: 'application/json', content: `${json}\n` };
  }

  /** Takes the next part of a file to import (see ImportUploads). */
  importPart(uploadId: string, index: number, text: string): { receivedBytes: number } {
    return { receivedBytes: this.uploads.append(uploadId, index, text) };
  }

  /** Imports the file sent in parts under `uploadId`. */
  import(uploadId: string): ImportResult {
    return this.importText(this.uploads.take(uploadId));
  }

  /**
   * Imports a Hearth export or a ChatGPT `conversations.json`, as new conversations with new ids, in one
   * transaction: a file that cannot be read whole changes nothing.
   */
  importText(text: string): ImportResult {
    const now = this.now();
    const parsed = parseImportFile(text, now);
    let messages = 0;
    this.deps.transaction(() => {
      for (const c of parsed.conversations) {
        const conversation: Conversation = { id: newId(), title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt };
        this.deps.conversations.insert(conversation, { pinnedAt: c.pinned ? now : null, titleStatus: 'user' });
        for (const { stats, ...m } of c.messages) {
          const id = newId();
          this.deps.messages.insert({ id, conversationId: conversation.id, ...m });
          // The repository inserts without token counts and timings; the messages that have them get them here.
          if (stats) this.deps.messages.finish(id, m.status, { ...m, stats });
          messages++;
        }
      }
    });
    this.deps.events.emit('conversations:changed', { conversationId: null });
    return {
      format: parsed.format,
      conversations: parsed.conversations.length,
      branches: parsed.conversations.filter((c) => c.isBranch).length,
      messages,
      skipped: parsed.skipped,
    };
  }

  private found(id: string): ConversationSummary {
    const c = this.deps.conversations.get(id);
    if (!c) throw new AppError('NOT_FOUND', NOT_FOUND);
    return c;
  }
}
