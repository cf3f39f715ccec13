import type { Migration } from '../migrate';

/**
 * Messages become a tree: each has a parent (NULL for a conversation's first message), and edits and regenerations
 * are siblings under the same parent. Among siblings exactly one is `active`: the conversation's current branch is
 * the path from the active root down through active children, one indexed recursive query, and each subtree keeps
 * its own choice when the user steps away and back. Existing chats become a single branch, each message the child
 * of the one before it. No REFERENCES on parent_id: a salvage copies rows in rowid order and must not trip on it;
 * the repository deletes subtrees itself.
 */
export const messageTree: Migration = {
  version: 6,
  name: 'message-tree',
  up: (db) => {
    db.exec(`
      ALTER TABLE messages ADD COLUMN parent_id TEXT;
      ALTER TABLE messages ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
      UPDATE messages SET parent_id = (
        SELECT p.id FROM messages p
        WHERE p.conversation_id = messages.conversation_id AND p.seq < messages.seq
        ORDER BY p.seq DESC LIMIT 1
      );
      CREATE INDEX messages_by_parent ON messages(conversation_id, parent_id, seq);
      -- Each step down a branch, and down a subtree being deleted, looks up a message's replies by parent alone.
      CREATE INDEX messages_children ON messages(parent_id, active);
    `);
  },
};
