import type { Migration } from '../migrate';

/**
 * The API server, remote providers and routing.
 *
 * - `providers`: OpenAI-compatible endpoints the user added, with their models and prices (JSON,
 *   `ProviderModel[]`). Keys are not here: they live in the secret store.
 * - `conversation_routing`: a conversation's policy (local, remote, auto), whether it is private, and the remote
 *   model it names (NULL: the default in settings). No row: local only, the default.
 * - `messages.route`: where an answer ran and why (JSON, `MessageRoute`), NULL for older answers.
 * - `route_log`: every routed answer with its tokens and cost. No foreign keys: deleting a chat must not give back
 *   the month's spending under the cost cap.
 * - `api_log`: the API server's requests (never the key, never the prompt), trimmed to the newest.
 */
export const routing: Migration = {
  version: 10,
  name: 'routing',
  up: (db) => {
    db.exec(`
      CREATE TABLE providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        base_url TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        models TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE conversation_routing (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        policy TEXT NOT NULL CHECK (policy IN ('local', 'remote', 'auto')),
        private INTEGER NOT NULL CHECK (private IN (0, 1)),
        remote_provider_id TEXT,
        remote_model TEXT
      ) STRICT;

      ALTER TABLE messages ADD COLUMN route TEXT;

      CREATE TABLE route_log (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        conversation_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        target TEXT NOT NULL CHECK (target IN ('local', 'remote')),
        provider_id TEXT,
        provider_name TEXT,
        model TEXT NOT NULL,
        rule TEXT NOT NULL,
        reason TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cost_usd REAL NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX route_log_by_time ON route_log(at);

      CREATE TABLE api_log (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        model TEXT,
        stream INTEGER NOT NULL CHECK (stream IN (0, 1)),
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        client TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX api_log_by_time ON api_log(at);
    `);
  },
};
