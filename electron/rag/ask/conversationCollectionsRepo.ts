import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';

/** The collections a conversation answers from (`conversation_collections`). */
export class ConversationCollectionsRepo {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      list: db.prepare<[string], { collection_id: string }>(`
        SELECT cc.collection_id FROM conversation_collections cc JOIN collections c ON c.id = cc.collection_id
        WHERE cc.conversation_id = ? ORDER BY c.name COLLATE NOCASE, c.id`),
      conversation: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM conversations WHERE id = ?'),
      existing: db.prepare<[string], { id: string }>('SELECT id FROM collections WHERE id IN (SELECT value FROM json_each(?))'),
      clear: db.prepare<[string]>('DELETE FROM conversation_collections WHERE conversation_id = ?'),
      add: db.prepare<[string, string]>('INSERT INTO conversation_collections (conversation_id, collection_id) VALUES (?, ?)'),
    };
  }

  /** The conversation's collections, by name; a deleted collection is gone from every conversation (cascade). */
  list(conversationId: string): string[] {
    return this.stmts.list.all(conversationId).map((r) => r.collection_id);
  }

  /**
   * Replaces the conversation's collections in one transaction. Refuses an unknown conversation or collection,
   * so a conversation never points at something that is not there.
   */
  set(conversationId: string, collectionIds: readonly string[]): string[] {
    const wanted = [...new Set(collectionIds)];
    this.db.transaction(() => {
      if (!this.stmts.conversation.get(conversationId)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
      const found = new Set(this.stmts.existing.all(JSON.stringify(wanted)).map((r) => r.id));
      const missing = wanted.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppError(
          'NOT_FOUND',
          missing.length === 1
            ? 'That collection does not exist (it may have been deleted).'
            : `${missing.length} of those collections do not exist.`,
        );
      }
      this.stmts.clear.run(conversationId);
      for (const id of wanted) this.stmts.add.run(conversationId, id);
    })();
    return this.list(conversationId);
  }
}
