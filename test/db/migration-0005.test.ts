import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_STATS, MessagesRepo } from '../../electron/chat/messagesRepo';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V5 = migrations.findIndex((m) => m.version === 5);

describe("migration 0005: how many messages had left the model's view", () => {
  it('is registered as version 5, right after version 4', () => {
    expect(V5).toBe(4);
    expect(migrations[V5]!.name).toBe('context-dropped');
  });

  it('upgrades a version 4 database: old answers say nothing was recorded, new ones keep the count', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v4 = new Database(file);
    v4.pragma('journal_mode = WAL');
    migrate(v4, migrations.slice(0, V5));
    v4.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1, 1)").run();
    v4.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, model, created_at)
       VALUES ('m1', 'c1', 1, 'assistant', 'an old answer', 'complete', 'old.gguf', 1)`,
    ).run();
    v4.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V5, to: migrations.length });
    const repo = new MessagesRepo(db);
    expect(repo.list('c1')[0]).toMatchObject({ content: 'an old answer', stats: { droppedMessages: null } });
    repo.insert({ ...repo.list('c1')[0]!, id: 'm2', status: 'streaming', content: '' });
    repo.finish('m2', 'complete', {
      content: 'new',
      error: null,
      thoughts: '',
      thoughtMs: null,
      stats: { ...EMPTY_STATS, droppedMessages: 6 },
    });
    expect(repo.get('m2')).toMatchObject({ content: 'new', stats: { droppedMessages: 6 } });
    db.close();
  });
});
