import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, migrate, type Migration } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function dbFile(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'hearth.db');
}

const tables = (db: Database.Database): string[] =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")
    .all()
    .map((r) => r.name);

describe('migrations', () => {
  it('creates a fresh database at the newest version in WAL mode', () => {
    const file = dbFile();
    const { db, migration } = openDatabase(file);
    expect(migration).toEqual({ from: 0, to: migrations.length, backup: null });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(tables(db)).toEqual(expect.arrayContaining(['conversations', 'messages', 'settings', 'messages_fts', 'models', 'downloads']));
    db.close();
    const again = openDatabase(file);
    expect(again.migration.from).toBe(migrations.length);
    again.db.close();
  });

  it('rejects a message with a status outside the contract (STRICT + CHECK)', () => {
    const { db } = openDatabase(':memory:');
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)").run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m', 'c', 1, 'user', 'x', 'weird', 1)",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    db.close();
  });

  it('upgrades a version 1 database, keeps its data, indexes old messages and backs it up first', () => {
    const file = dbFile();
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    migrate(v1, migrations.slice(0, 1));
    v1.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1, 1)").run();
    v1.prepare(
      "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m1', 'c1', 1, 'user', 'the hearth keeps warm', 'complete', 1)",
    ).run();
    v1.close();

    const { db, migration } = openDatabase(file);
    expect(migration.from).toBe(1);
    expect(migration.to).toBe(migrations.length);
    expect(migration.backup).not.toBeNull();
    const backup = new Database(migration.backup!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare('SELECT content FROM messages').get()).toEqual({ content: 'the hearth keeps warm' });
    backup.close();
    expect(
      db.prepare("SELECT m.id FROM messages_fts f JOIN messages m ON m.rowid = f.rowid WHERE messages_fts MATCH 'hearth'").all(),
    ).toEqual([{ id: 'm1' }]);
    db.close();
  });

  it('refuses a database written by a newer version and leaves the file untouched', () => {
    const file = dbFile();
    const future = new Database(file);
    future.pragma(`user_version = ${migrations.length + 5}`);
    future.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Hearth/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('rolls back a migration that fails half way, so the version and schema stay as they were', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [
      { version: 1, name: 'ok', up: (d) => d.exec('CREATE TABLE a (x INTEGER) STRICT') },
      {
        version: 2,
        name: 'broken',
        up: (d) => {
          d.exec('CREATE TABLE b (x INTEGER) STRICT');
          d.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/syntax error/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['a']);
    db.close();
  });

  it('refuses a migration list with a gap in its numbers', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => undefined }])).toThrow(/expected 1/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    db.close();
  });
});
