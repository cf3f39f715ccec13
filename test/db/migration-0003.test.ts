import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationsRepo } from '../../electron/chat/conversationsRepo';
import { SearchRepo } from '../../electron/chat/searchRepo';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V3 = migrations.findIndex((m) => m.version === 3);

/** A version 2 database with a renamed chat, a chat still called "New chat", and a message. */
function versionTwo(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'hearth.db');
  const v2 = new Database(file);
  v2.pragma('journal_mode = WAL');
  migrate(v2, migrations.slice(0, V3));
  v2.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Firewood prices', 1, 5)").run();
  v2.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c2', 'New chat', 2, 9)").run();
  v2.prepare(
    "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m1', 'c2', 1, 'user', 'how do I split oak logs', 'complete', 2)",
  ).run();
  v2.close();
  return file;
}

describe('migration 0003: pins, where titles came from, and title search', () => {
  it('is registered as version 3, right after the message search', () => {
    expect(V3).toBe(2);
    expect(migrations[V3]!.name).toBe('conversation-pins-titles');
  });

  it('upgrades a version 2 database: nothing is pinned, seen titles are kept, "New chat" waits for a title', () => {
    const { db, migration } = openDatabase(versionTwo());
    expect(migration).toMatchObject({ from: V3, to: migrations.length });
    expect(migration.backup).not.toBeNull();
    expect(db.prepare('SELECT id, title, pinned_at, title_status FROM conversations ORDER BY id').all()).toEqual([
      { id: 'c1', title: 'Firewood prices', pinned_at: null, title_status: 'user' },
      { id: 'c2', title: 'New chat', pinned_at: null, title_status: 'pending' },
    ]);
    const repo = new ConversationsRepo(db);
    expect(repo.list().map((c) => [c.id, c.pinned])).toEqual([
      ['c2', false],
      ['c1', false],
    ]);
    db.close();
  });

  it('indexes the titles that were already there, and keeps the title index in step afterwards', () => {
    const { db } = openDatabase(versionTwo());
    const search = new SearchRepo(db);
    const titles = (q: string): (string | null)[] =>
      search
        .search(q)
        .hits.filter((h) => h.messageId === null)
        .map((h) => h.snippet);
    expect(titles('firewood ')).toEqual(['\uE000Firewood\uE001 prices']);
    const repo = new ConversationsRepo(db);
    repo.rename('c1', 'Kindling costs', 10);
    expect(titles('firewood ')).toEqual([]);
    expect(titles('kindling ')).toEqual(['\uE000Kindling\uE001 costs']);
    repo.remove('c1');
    expect(titles('kindling ')).toEqual([]);
    // Messages are still found as before.
    expect(search.search('oak ').hits.map((h) => h.messageId)).toEqual(['m1']);
    db.close();
  });

  it('refuses a title status outside the three it knows (STRICT + CHECK)', () => {
    const { db } = openDatabase(':memory:');
    expect(() =>
      db.prepare("INSERT INTO conversations (id, title, created_at, updated_at, title_status) VALUES ('c', 't', 1, 1, 'guessed')").run(),
    ).toThrow(/CHECK constraint/);
    db.close();
  });
});
