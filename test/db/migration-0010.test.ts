import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRoute } from '../../shared/api';
import { MessagesRepo } from '../../electron/chat/messagesRepo';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V10 = migrations.findIndex((m) => m.version === 10);
const count = (db: Database.Database, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const columns = (db: Database.Database, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

const ROUTE: MessageRoute = {
  target: 'remote',
  providerId: 'p1',
  providerName: 'Acme',
  model: 'gpt-x',
  rule: 'complexity',
  reason: 'Looks complex (code): sent to gpt-x (Acme).',
  complexity: 0.62,
  costUsd: 0.0042,
};

/** A conversation `c1` with a question and its answer, a provider, and the conversation's routing. */
function seed(db: Database.Database): void {
  db.exec(`
    INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Chat', 1, 1);
    INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('u1', 'c1', 1, 'user', 'hi', 'complete', 1);
    INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at, parent_id) VALUES ('a1', 'c1', 2, 'assistant', 'hello', 'complete', 1, 'u1');
    INSERT INTO providers (id, name, base_url, enabled, models, created_at, updated_at) VALUES ('p1', 'Acme', 'https://a.example/v1', 1, '[]', 1, 1);
    INSERT INTO conversation_routing (conversation_id, policy, private, remote_provider_id, remote_model) VALUES ('c1', 'auto', 0, 'p1', 'gpt-x');
  `);
}

describe('migration 0010: providers, conversation routing, message routes, the routing and API logs', () => {
  it('is registered as version 10, right after version 9', () => {
    expect(V10).toBe(9);
    expect(migrations[V10]!.name).toBe('routing');
  });

  it('upgrades a version 9 database: chats, messages and attachments stay, answers gain an empty route, the new tables exist', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v9 = new Database(file);
    v9.pragma('journal_mode = WAL');
    migrate(v9, migrations.slice(0, V10));
    v9.exec(`
      INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c0', 'Old chat', 1, 1);
      INSERT INTO messages (id, conversation_id, seq, role, content, status, model, created_at) VALUES ('m0', 'c0', 1, 'user', 'Hello hearth', 'complete', NULL, 1);
      INSERT INTO messages (id, conversation_id, seq, role, content, status, model, created_at, parent_id) VALUES ('m1', 'c0', 2, 'assistant', 'Hi', 'complete', 'tiny.gguf', 2, 'm0');
      INSERT INTO collections (id, name, created_at, updated_at) VALUES ('k1', 'Manuals', 1, 1);
      INSERT INTO conversation_collections (conversation_id, collection_id) VALUES ('c0', 'k1');
    `);
    v9.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V10, to: migrations.length });
    expect(migration.backup).not.toBeNull();
    expect(db.prepare('SELECT id, content, model, route FROM messages ORDER BY seq').all()).toEqual([
      { id: 'm0', content: 'Hello hearth', model: null, route: null },
      { id: 'm1', content: 'Hi', model: 'tiny.gguf', route: null },
    ]);
    expect(count(db, 'conversation_collections')).toBe(1);
    for (const table of ['providers', 'conversation_routing', 'route_log', 'api_log']) expect(count(db, table), table).toBe(0);
    expect(columns(db, 'route_log')).toEqual(
      expect.arrayContaining(['at', 'conversation_id', 'message_id', 'target', 'model', 'rule', 'reason', 'prompt_tokens', 'cost_usd']),
    );
    // An answer from before routing reads back with no route, not a broken one.
    const repo = new MessagesRepo(db);
    expect(repo.get('m1')).not.toHaveProperty('route');
    expect(repo.get('m1')).toMatchObject({ content: 'Hi', model: 'tiny.gguf' });
    db.close();
  });

  it('reads a stored route back through the row mapper, and a damaged one as no route', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    const repo = new MessagesRepo(db);
    repo.setRoute('a1', ROUTE);
    expect(repo.get('a1')!.route).toEqual(ROUTE);
    expect(repo.list('c1').map((m) => m.route ?? null)).toEqual([null, ROUTE]);
    for (const bad of ['{oops', '{"target":"moon"}', '42']) {
      db.prepare("UPDATE messages SET route = ? WHERE id = 'a1'").run(bad);
      expect(repo.get('a1'), bad).not.toHaveProperty('route');
      expect(repo.get('a1')!.content).toBe('hello');
    }
    db.close();
  });

  it('drops a conversation’s routing with the conversation, but keeps its routing log (the month’s spending)', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    db.exec(`INSERT INTO route_log (id, at, conversation_id, message_id, target, provider_id, provider_name, model, rule, reason, prompt_tokens, completion_tokens, cost_usd)
      VALUES ('r1', 5, 'c1', 'a1', 'remote', 'p1', 'Acme', 'gpt-x', 'complexity', 'Looks complex.', 10, 20, 0.5)`);
    db.prepare("DELETE FROM conversations WHERE id = 'c1'").run();
    expect(count(db, 'conversation_routing')).toBe(0);
    expect(count(db, 'messages')).toBe(0);
    expect(db.prepare('SELECT cost_usd FROM route_log').pluck().all()).toEqual([0.5]);
    db.close();
  });

  it('refuses rows outside the schema’s rules', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    const refused = [
      "INSERT INTO providers (id, name, base_url, enabled, created_at, updated_at) VALUES ('p2', '', 'x', 1, 1, 1)",
      `INSERT INTO providers (id, name, base_url, enabled, created_at, updated_at) VALUES ('p2', '${'n'.repeat(101)}', 'x', 1, 1, 1)`,
      "INSERT INTO providers (id, name, base_url, enabled, created_at, updated_at) VALUES ('p2', 'B', 'x', 2, 1, 1)",
      "INSERT INTO providers (id, name, base_url, enabled, created_at, updated_at) VALUES ('p1', 'Again', 'x', 1, 1, 1)",
      "INSERT INTO conversation_routing (conversation_id, policy, private) VALUES ('nope', 'local', 0)",
      "UPDATE conversation_routing SET policy = 'cloud'",
      'UPDATE conversation_routing SET private = 2',
      "INSERT INTO conversation_routing (conversation_id, policy, private) VALUES ('c1', 'local', 0)",
      "INSERT INTO route_log (id, at, conversation_id, message_id, target, model, rule, reason) VALUES ('r', 1, 'c1', 'a1', 'moon', 'm', 'policy', 'x')",
      "INSERT INTO route_log (id, at, conversation_id, message_id, target, model, rule) VALUES ('r', 1, 'c1', 'a1', 'local', 'm', 'policy')",
      "INSERT INTO route_log (id, at, conversation_id, message_id, target, model, rule, reason, cost_usd) VALUES ('r', 1, 'c1', 'a1', 'local', 'm', 'policy', 'x', 'free')",
      "INSERT INTO api_log (id, at, method, path, status, duration_ms, stream) VALUES ('q', 1, 'GET', '/v1/models', 200, 3, 2)",
      "INSERT INTO api_log (id, at, method, path, status, duration_ms, stream) VALUES ('q', 1, 'GET', '/v1/models', 'ok', 3, 0)",
    ];
    for (const sql of refused) expect(() => db.prepare(sql).run(), sql).toThrow(/constraint|cannot store/i);
    // What the rules allow goes in.
    db.exec(`
      INSERT INTO route_log (id, at, conversation_id, message_id, target, model, rule, reason) VALUES ('r', 1, 'c1', 'a1', 'local', 'm', 'policy', 'x');
      INSERT INTO api_log (id, at, method, path, status, duration_ms, stream) VALUES ('q', 1, 'GET', '/v1/models', 200, 3, 0);
    `);
    expect(db.prepare("SELECT cost_usd FROM route_log WHERE id = 'r'").pluck().get()).toBe(0);
    db.close();
  });
});
