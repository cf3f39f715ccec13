import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import { logWarn } from '../lib/log';
import { DatabaseTooNewError, migrate, type MigrateResult } from './migrate';
import { migrations } from './migrations';
import { describeRecovery, findDamage, moveAside, salvageRows, type SalvageCounts } from './salvage';

/** A damaged database found at start, set aside, and what was copied out of it. */
export interface Recovery {
  /** SQLite's first complaint about the old file. */
  reason: string;
  /** Where the damaged file is now; its -wal and -shm lie beside it under the same name. */
  movedTo: string;
  salvaged: SalvageCounts;
  /** The sentence the user is shown. */
  message: string;
}

export interface OpenedDatabase {
  db: Database.Database;
  migration: MigrateResult;
  recovery: Recovery | null;
}

export interface OpenOptions {
  now?: () => number;
}

/**
 * Opens (or creates) the app database with the house pragmas and the newest schema. `:memory:` for tests.
 * A damaged file is never opened for writing: it is moved aside and what can be read is copied into a new one.
 */
export function openDatabase(file: string, options: OpenOptions = {}): OpenedDatabase {
  if (file === ':memory:') return { ...openSchema(file), recovery: null };
  mkdirSync(dirname(file), { recursive: true });
  const recovery = existsSync(file) ? recoverIfDamaged(file, options.now ?? Date.now) : null;
  return { ...openSchema(file), recovery };
}

/** A path inside app.asar as the unpacked copy beside it (SQLite loads extensions from real files only). */
export const asarUnpacked = (path: string): string => path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');

/**
 * sqlite-vec's extension file. In a packaged app the module resolves it inside app.asar: electron-builder.yml unpacks
 * it beside the archive, and the path is pointed there.
 */
export const vectorExtensionPath = (): string => asarUnpacked(getLoadablePath());

function openSchema(file: string): Omit<OpenedDatabase, 'recovery'> {
  const db = new Database(file);
  try {
    // Every connection: the document index's vector tables (vec0) cannot even be deleted from without it.
    db.loadExtension(vectorExtensionPath());
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

const removeDatabase = (file: string): void => {
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
};

/**
 * Checks the file through a read-only connection (a writer would checkpoint its WAL into the damaged file when it
 * closes). The new database is built beside it and only renamed into place after the old one is moved aside, so a
 * salvage cut short leaves the damaged file where it was, to be tried again on the next start.
 */
function recoverIfDamaged(file: string, now: () => number): Recovery | null {
  const old = new Database(file, { readonly: true });
  try {
    const reason = findDamage(old);
    if (!reason) return null;
    const fresh = `${file}.salvage`;
    removeDatabase(fresh);
    const target = openSchema(fresh).db;
    let salvaged: SalvageCounts;
    try {
      salvaged = salvageRows(old, target);
    } finally {
      target.close();
    }
    old.close();
    const movedTo = moveAside(file, new Date(now()).toISOString().replace(/[:.]/g, '-'));
    renameSync(fresh, file);
    logWarn(`damaged database (${reason}) moved to ${movedTo}; salvaged ${JSON.stringify(salvaged)}`);
    return { reason, movedTo, salvaged, message: describeRecovery(movedTo, salvaged) };
  } finally {
    if (old.open) old.close();
  }
}
