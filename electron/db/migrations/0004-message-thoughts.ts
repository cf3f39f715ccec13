import type { Migration } from '../migrate';

/**
 * A reasoning model's thoughts, kept apart from the answer, and where each answer ran.
 *
 * - `thoughts`: the thought segments ('' for answers without, which every existing answer is); not in
 *   `messages_fts`, so a search finds what the model answered, not what it mulled over.
 * - `thought_ms`: how long it thought, until the answer began or the stop (NULL: it did not think).
 * - `gpu`, `gpu_layers`, `total_layers`: the backend ('cpu', 'cuda', 'vulkan', 'metal') and the layers it had
 *   offloaded; NULL for answers written before this version, which did not record it.
 */
export const messageThoughts: Migration = {
  version: 4,
  name: 'message-thoughts',
  up: (db) => {
    db.exec(`
      ALTER TABLE messages ADD COLUMN thoughts TEXT NOT NULL DEFAULT '';
      ALTER TABLE messages ADD COLUMN thought_ms INTEGER;
      ALTER TABLE messages ADD COLUMN gpu TEXT;
      ALTER TABLE messages ADD COLUMN gpu_layers INTEGER;
      ALTER TABLE messages ADD COLUMN total_layers INTEGER;
    `);
  },
};
