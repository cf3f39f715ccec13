import type { Migration } from '../migrate';

/**
 * How many of the conversation's messages had left the model's view when an answer was written (the oldest
 * first, under the `dropOldest` overflow policy), so the chat can mark where the model's view began. NULL for
 * answers written before this version, which did not record it.
 */
export const contextDropped: Migration = {
  version: 5,
  name: 'context-dropped',
  up: (db) => {
    db.exec('ALTER TABLE messages ADD COLUMN dropped_messages INTEGER;');
  },
};
