import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagesRepo } from '../../electron/chat/messagesRepo';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V6 = migrations.findIndex((m) => m.version === 6);

describe('migration 0006: messages stored as a tree', () => {
  it('is registered as version 6, right after version 5', () => {
    expect(V6).toBe(5);
    expect(migrations[V6]!.name).toBe('message-tree');
  });

  it('turns each flat conversation of a version 5 database into one branch, losing nothing, and search still works', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v5 = new Database(file);
    v5.pragma('journal_mode = WAL');
    migrate(v5, migrations.slice(0, V6));
    const conv = v5.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 1, 1)');
    conv.run('c1', 'First');
    conv.run('c2', 'Second');
    const msg = v5.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES (?, ?, ?, ?, ?, 'complete', 1)`,
    );
    // Interleaved inserts across two chats, and a gap in seq, as deletes or imports can leave.
    msg.run('a1', 'c1', 1, 'user', 'hello zebra');
    msg.run('b1', 'c2', 1, 'user', 'other chat');
    msg.run('a2', 'c1', 2, 'assistant', 'hi there');
    msg.run('a3', 'c1', 5, 'user', 'how are you');
    msg.run('b2', 'c2', 2, 'assistant', 'other answer');
    msg.run('a4', 'c1', 7, 'assistant', 'fine');
    v5.close();

    const { db, migration } = openDatabase(file);
    cleanups.push(() => db.close());
    expect(migration).toMatchObject({ from: V6, to: migrations.length });
    const repo = new MessagesRepo(db);
    const c1 = repo.list('c1');
    expect(c1.map((m) => [m.id, m.parentId, m.branch])).toEqual([
      ['a1', null, { index: 0, count: 1 }],
      ['a2', 'a1', { index: 0, count: 1 }],
      ['a3', 'a2', { index: 0, count: 1 }],
      ['a4', 'a3', { index: 0, count: 1 }],
    ]);
    expect(c1.map((m) => m.content)).toEqual(['hello zebra', 'hi there', 'how are you', 'fine']);
    expect(repo.list('c2').map((m) => [m.id, m.parentId])).toEqual([
      ['b1', null],
      ['b2', 'b1'],
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 6 });
    // The FTS triggers of 0002 keep working through the tree's inserts and subtree deletes.
    const hits = (q: string) =>
      db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH ?').all(q);
    expect(hits('zebra')).toEqual([{ id: 'a1' }]);
    repo.insert({ ...c1[3]!, id: 'a5', content: 'giraffe', status: 'complete', parentId: undefined });
    expect(repo.get('a5')!.parentId).toBe('a4');
    expect(hits('giraffe')).toEqual([{ id: 'a5' }]);
    repo.delete('a3');
    expect(hits('giraffe')).toEqual([]);
    expect(repo.list('c1').map((m) => m.id)).toEqual(['a1', 'a2']);
  });
});
