import type { Migration } from '../migrate';

/**
 * System-prompt presets, and each conversation's own choices.
 *
 * - `presets`: a named system prompt the user can pick for any conversation.
 * - `conversation_params`: one row per conversation that has chosen anything: the picked preset (deleting the
 *   preset un-picks it), a system prompt of its own, and sampling overrides. NULL in any column means "inherit"
 *   (conversation > preset > global settings), so a conversation without a row behaves as before this version.
 *   A table of its own rather than columns on `conversations`, so the conversation row and its repository stay as
 *   they are.
 */
export const presetsSampling: Migration = {
  version: 7,
  name: 'presets-sampling',
  up: (db) => {
    db.exec(`
      CREATE TABLE presets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        system_prompt TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE conversation_params (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        preset_id TEXT REFERENCES presets(id) ON DELETE SET NULL,
        system_prompt TEXT,
        temperature REAL,
        top_p REAL,
        top_k INTEGER,
        min_p REAL,
        repeat_penalty REAL,
        max_tokens INTEGER,
        seed INTEGER
      ) STRICT;

      CREATE INDEX conversation_params_by_preset ON conversation_params(preset_id);
    `);
  },
};
