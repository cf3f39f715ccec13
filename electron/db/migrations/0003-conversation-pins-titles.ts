import type { Migration } from '../migrate';

/**
 * Pins, where a title came from, and full-text search over titles.
 *
 * - `pinned_at`: when the chat was pinned (NULL: not pinned). Pinned chats list first.
 * - `title_status`: `pending` (the title is a placeholder: derive one when the next answer ends), `auto` (derived
 *   from the first message; left alone from then on) or `user` (renamed or imported: never changed by Hearth).
 *   Existing chats are `user`, so an upgrade renames nothing the user has already seen, except those still called
 *   "New chat", which are `pending`.
 * - `conversations_fts`: FTS5 over titles (external content, kept by triggers), with the same tokenizer as
 *   `messages_fts`, so a title and a message match the same query the same way.
 */
export const conversationPinsTitles: Migration = {
  version: 3,
  name: 'conversation-pins-titles',
  up: (db) => {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN pinned_at INTEGER;
      ALTER TABLE conversations ADD COLUMN title_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (title_status IN ('pending', 'auto', 'user'));
      UPDATE conversations SET title_status = CASE WHEN title = 'New chat' THEN 'pending' ELSE 'user' END;

      CREATE VIRTUAL TABLE conversations_fts USING fts5(
        title, content='conversations', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO conversations_fts(rowid, title) SELECT rowid, title FROM conversations;

      CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversations_fts(rowid, title) VALUES (new.rowid, new.title);
      END;
      CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
        INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
      END;
      CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
        INSERT INTO conversations_fts(rowid, title) VALUES (new.rowid, new.title);
      END;
    `);
  },
};
