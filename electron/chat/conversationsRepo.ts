import type Database from 'better-sqlite3';
import type { Conversation } from '../../shared/types';

interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
}

const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only place conversation rows meet camelCase. */
export class ConversationsRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
      list: db.prepare<[], ConversationRow>('SELECT * FROM conversations ORDER BY updated_at DESC, rowid DESC'),
      rename: db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?'),
      touch: db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM conversations WHERE id = ?'),
      search: db.prepare<[string], ConversationRow>(`
        SELECT c.* FROM conversations c
        WHERE c.id IN (
          SELECT m.conversation_id FROM messages_fts f JOIN messages m ON m.rowid = f.rowid WHERE messages_fts MATCH ?
        )
        ORDER BY c.updated_at DESC`),
      searchTitle: db.prepare<[string], ConversationRow>(
        "SELECT * FROM conversations WHERE title LIKE ? ESCAPE '\\' ORDER BY updated_at DESC",
      ),
    };
  }

  insert(c: Conversation): void {
    this.stmts.insert.run(c.id, c.title, c.createdAt, c.updatedAt);
  }
  get(id: string): Conversation | null {
    const r = this.stmts.get.get(id);
    return r ? toConversation(r) : null;
  }
  list(): Conversation[] {
    return this.stmts.list.all().map(toConversation);
  }
  rename(id: string, title: string, now: number): void {
    this.stmts.rename.run(title, now, id);
  }
  touch(id: string, now: number): void {
    this.stmts.touch.run(now, id);
  }
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** Conversations whose title or any message matches every word of `query`. */
  search(query: string): Conversation[] {
    const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    // Each word becomes a quoted prefix term, so user text can never be read as FTS5 syntax.
    const match = words.map((w) => `"${w}"*`).join(' ');
    const like = `%${query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const seen = new Map<string, Conversation>();
    for (const r of [...this.stmts.searchTitle.all(like), ...this.stmts.search.all(match)]) seen.set(r.id, toConversation(r));
    return [...seen.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }
}
