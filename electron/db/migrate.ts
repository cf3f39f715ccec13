import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was written by a newer Hearth (schema version ${found}; this build knows up to ${supported}). ` +
        'Update Hearth to open it. Nothing was changed.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface MigrateOptions {
  /** The database file, for the backup taken before an upgrade; omit for in-memory databases. */
  file?: string;
  now?: () => number;
}

export interface MigrateResult {
  from: number;
  to: number;
  backup: string | null;
}

/**
 * Brings the schema to the newest version on `PRAGMA user_version`, one transaction per migration.
 * Refuses a database from a newer build, and copies an existing database aside before changing it.
 */
export function migrate(db: Database.Database, list: readonly Migration[], options: MigrateOptions = {}): MigrateResult {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = list.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  if (from === latest) return { from, to: from, backup: null };

  let backup: string | null = null;
  if (from > 0 && options.file && existsSync(options.file)) {
    backup = `${options.file}.v${from}-${(options.now ?? Date.now)()}.bak`;
    // VACUUM INTO writes a consistent copy, WAL contents included, without a second connection.
    db.prepare('VACUUM INTO ?').run(backup);
  }
  for (const m of list.slice(from)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: latest, backup };
}
