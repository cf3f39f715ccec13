import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { EMPTY_STATS, MessagesRepo } from '../../electron/chat/messagesRepo';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V4 = migrations.findIndex((m) => m.version === 4);

describe('migration 0004: thoughts and where an answer ran', () => {
  it('is registered as version 4, right after version 3', () => {
    expect(V4).toBe(3);
    expect(migrations[V4]!.name).toBe('message-thoughts');
  });

  it('upgrades a version 3 database: old answers keep their text, have no thoughts, and do not say where they ran', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v3 = new Database(file);
    v3.pragma('journal_mode = WAL');
    migrate(v3, migrations.slice(0, V4));
    v3.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1, 1)").run();
    v3.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, model, prompt_tokens, completion_tokens, ttft_ms, duration_ms, created_at)
       VALUES ('m1', 'c1', 1, 'assistant', 'an old answer about the hearth', 'complete', 'old.gguf', 12, 34, 5, 600, 1)`,
    ).run();
    v3.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V4, to: migrations.length });
    expect(migration.backup).not.toBeNull();
    const [m] = new MessagesRepo(db).list('c1');
    expect(m).toMatchObject({
      content: 'an old answer about the hearth',
      model: 'old.gguf',
      thoughts: '',
      thoughtMs: null,
      stats: {
        promptTokens: 12,
        completionTokens: 34,
        timeToFirstTokenMs: 5,
        durationMs: 600,
        gpu: null,
        gpuLayers: null,
        totalLayers: null,
      },
    });
    // Search still finds the answer by its text, and only by its text.
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'hearth'").all()).toHaveLength(1);
    db.close();
  });

  it('stores thoughts apart from the answer, with the thinking time and where it ran, and keeps them on reopen', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    let { db } = openDatabase(file);
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Chat', 1, 1)").run();
    const repo = new MessagesRepo(db);
    repo.insert({
      id: 'a1',
      conversationId: 'c1',
      role: 'assistant',
      content: '',
      status: 'streaming',
      error: null,
      model: 'r.gguf',
      createdAt: 2,
    });
    repo.saveContent('a1', '', 'pondering the question');
    expect(repo.get('a1')).toMatchObject({ content: '', thoughts: 'pondering the question', status: 'streaming' });
    repo.finish('a1', 'complete', {
      content: 'the answer',
      error: null,
      thoughts: 'pondering the question deeply',
      thoughtMs: 3200,
      stats: { ...EMPTY_STATS, completionTokens: 40, durationMs: 900, gpu: 'vulkan', gpuLayers: 25, totalLayers: 25 },
    });
    db.close();

    ({ db } = openDatabase(file));
    expect(new MessagesRepo(db).get('a1')).toMatchObject({
      content: 'the answer',
      thoughts: 'pondering the question deeply',
      thoughtMs: 3200,
      stats: { completionTokens: 40, gpu: 'vulkan', gpuLayers: 25, totalLayers: 25 },
    });
    // Thoughts are not indexed for search: the answer is.
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'pondering'").all()).toEqual([]);
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'answer'").all()).toHaveLength(1);
    db.close();
  });

  it('keeps the columns typed (STRICT): thoughts are text', () => {
    const { db } = openDatabase(':memory:');
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)").run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO messages (id, conversation_id, seq, role, content, status, thoughts, created_at) VALUES ('m', 'c', 1, 'assistant', '', 'complete', x'00', 1)",
        )
        .run(),
    ).toThrow(/cannot store BLOB value in TEXT column messages.thoughts/);
    db.close();
  });
});
