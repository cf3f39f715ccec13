import type Database from 'better-sqlite3';
import type { Conversation, ConversationSummary } from '../../shared/types';

/** `pending`: a placeholder title, derived when the next answer ends; `auto`: derived; `user`: never changed by Hearth. */
export type TitleStatus = 'pending' | 'auto' | 'user';

interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  pinned_at: number | null;
  title_status: TitleStatus;
}

const toSummary = (r: ConversationRow): ConversationSummary => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  pinned: r.pinned_at !== null,
});

/** The only place conversation rows meet camelCase. */
export class ConversationsRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO conversations (id, title, created_at, updated_at, pinned_at, title_status) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
      list: db.prepare<[], ConversationRow>('SELECT * FROM conversations ORDER BY pinned_at IS NULL, updated_at DESC, rowid DESC'),
      listByCreation: db.prepare<[], ConversationRow>('SELECT * FROM conversations ORDER BY created_at, rowid'),
      rename: db.prepare("UPDATE conversations SET title = ?, title_status = 'user', updated_at = ? WHERE id = ?"),
      autoTitle: db.prepare("UPDATE conversations SET title = ?, title_status = 'auto' WHERE id = ? AND title_status = 'pending'"),
      pin: db.prepare('UPDATE conversations SET pinned_at = ? WHERE id = ?'),
      touch: db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM conversations WHERE id = ?'),
      firstUserText: db.prepare<[string], { content: string }>(
        "SELECT content FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY seq LIMIT 1",
      ),
    };
  }

  insert(c: Conversation, extra: { pinnedAt?: number | null; titleStatus?: TitleStatus } = {}): void {
    this.stmts.insert.run(c.id, c.title, c.createdAt, c.updatedAt, extra.pinnedAt ?? null, extra.titleStatus ?? 'pending');
  }
  get(id: string): ConversationSummary | null {
    const r = this.stmts.get.get(id);
    return r ? toSummary(r) : null;
  }
  /** Pinned first, then the most recently active. */
  list(): ConversationSummary[] {
    return this.stmts.list.all().map(toSummary);
  }
  /** Oldest first: the order exports are written in, so an export imported and exported again reads the same. */
  listByCreation(): ConversationSummary[] {
    return this.stmts.listByCreation.all().map(toSummary);
  }
  titleStatus(id: string): TitleStatus | null {
    return this.stmts.get.get(id)?.title_status ?? null;
  }
  /** A title the user chose: Hearth never changes it. */
  rename(id: string, title: string, now: number): void {
    this.stmts.rename.run(title, now, id);
  }
  /** Sets a derived title, only while the title is still a placeholder; true if it did. */
  setAutoTitle(id: string, title: string): boolean {
    return this.stmts.autoTitle.run(title, id).changes > 0;
  }
  pin(id: string, pinnedAt: number | null): boolean {
    return this.stmts.pin.run(pinnedAt, id).changes > 0;
  }
  touch(id: string, now: number): void {
    this.stmts.touch.run(now, id);
  }
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }
  firstUserText(id: string): string | null {
    return this.stmts.firstUserText.get(id)?.content ?? null;
  }
}
