import type { Migration } from '../migrate';

/**
 * Full-text search over message text (FTS5, external content), kept in step by triggers, and filled from the
 * messages that already exist: a user upgrading from version 1 can search their old chats at once.
 */
export const messageSearch: Migration = {
  version: 2,
  name: 'message-search',
  up: (db) => {
    db.exec(`
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts(rowid, content) SELECT rowid, content FROM messages;

      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
      END;
    `);
  },
};
