import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseTooNewError, migrate, type MigrateResult } from './migrate';
import { migrations } from './migrations';

export interface OpenedDatabase {
  db: Database.Database;
  migration: MigrateResult;
}

/** Opens (or creates) the app database with the house pragmas and the newest schema. `:memory:` for tests. */
export function openDatabase(file: string): OpenedDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // Refuse a newer database before any pragma writes to it (switching to WAL rewrites the header).
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > migrations.length) throw new DatabaseTooNewError(found, migrations.length);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const migration = migrate(db, migrations, file === ':memory:' ? {} : { file });
    return { db, migration };
  } catch (error) {
    db.close();
    throw error;
  }
}
