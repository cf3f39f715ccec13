import type Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';

/** Rows found in the new database after a salvage, per table. */
export interface SalvageCounts {
  conversations: number;
  messages: number;
  settings: number;
}

/** Conversations before messages, whose foreign key needs them. messages_fts is not copied: its triggers refill it. */
const TABLES = ['conversations', 'settings', 'messages'] as const;
const RANGE = 256;

/** SQLite's words for a damaged file: SQLITE_CORRUPT (and its extended codes) and SQLITE_NOTADB. */
function isCorruptionError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(error.code);
}

/**
 * Why the file at `db` cannot be trusted, or null when it is sound. `quick_check` reads every page (about 0.2 s for
 * a 120 MB database), so damage anywhere is found now, not when a chat that lives on a bad page is opened.
 */
export function findDamage(db: Database.Database): string | null {
  try {
    const result = String(db.pragma('quick_check(1)', { simple: true }));
    return result === 'ok' ? null : (result.replace(/^\*\*\* in database main \*\*\*\n/, '').split('\n')[0] ?? result);
  } catch (error) {
    if (isCorruptionError(error)) return error instanceof Error ? error.message : String(error);
    throw error;
  }
}

/**
 * Copies every row that can still be read from the damaged `from` into the freshly migrated `to`. A table is read
 * in rowid ranges; a range that fails is halved until the unreadable rows are alone, and those are skipped.
 * (better-sqlite3 12.11 is built without sqlite_dbpage, so SQLite's own recovery API is not available.)
 */
export function salvageRows(from: Database.Database, to: Database.Database): SalvageCounts {
  to.transaction(() => {
    for (const table of TABLES) copyTable(from, to, table);
  })();
  const count = (table: string): number => to.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
  return { conversations: count('conversations'), messages: count('messages'), settings: count('settings') };
}

function columns(db: Database.Database, table: string): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .all()
    .map((c) => c.name);
}

/** The rowid span of a table; through its primary-key index when the table's own right edge is unreadable. */
function rowidSpan(db: Database.Database, table: string): { lo: number; hi: number } | null {
  for (const from of [table, `${table} INDEXED BY sqlite_autoindex_${table}_1`]) {
    try {
      const span = db.prepare<[], { lo: number | null; hi: number | null }>(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${from}`).get();
      return span && span.lo !== null && span.hi !== null ? { lo: span.lo, hi: span.hi } : null;
    } catch {
      // try the next way in
    }
  }
  return null;
}

function copyTable(from: Database.Database, to: Database.Database, table: (typeof TABLES)[number]): void {
  let shared: string[];
  let span: { lo: number; hi: number } | null;
  try {
    const wanted = new Set(columns(to, table));
    shared = columns(from, table).filter((c) => wanted.has(c));
    span = shared.length ? rowidSpan(from, table) : null;
  } catch {
    return; // the schema itself is unreadable: nothing of this table can be found
  }
  if (!span) return;
  const list = shared.join(', ');
  const read = from.prepare<[number, number], Record<string, unknown>>(
    `SELECT rowid AS rowid_, ${list} FROM ${table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid`,
  );
  // A range scan steps onto the next page after its last row; a lookup by rowid touches only its own path.
  const readOne = from.prepare<[number], Record<string, unknown>>(`SELECT rowid AS rowid_, ${list} FROM ${table} WHERE rowid = ?`);
  const insert = to.prepare(`INSERT OR IGNORE INTO ${table} (rowid, ${list}) VALUES (@rowid_, ${shared.map((c) => `@${c}`).join(', ')})`);
  // A message whose conversation was lost keeps a conversation to be found under.
  const parent = to.prepare(
    "INSERT OR IGNORE INTO conversations (id, title, created_at, updated_at) VALUES (@conversation_id, 'Recovered chat', @created_at, @created_at)",
  );
  // One savepoint per row: a row that reads but breaks the schema's rules (garbled by the damage) leaves nothing.
  const put = to.transaction((row: Record<string, unknown>) => {
    if (table === 'messages') parent.run(row);
    insert.run(row);
  });
  const copy = (lo: number, hi: number): void => {
    let rows: Record<string, unknown>[];
    try {
      rows = lo === hi ? readOne.all(lo) : read.all(lo, hi);
    } catch {
      if (lo === hi) return;
      const mid = lo + Math.floor((hi - lo) / 2);
      copy(lo, mid);
      copy(mid + 1, hi);
      return;
    }
    for (const row of rows) {
      try {
        put(row);
      } catch {
        // left behind, see put
      }
    }
  };
  for (let lo = span.lo; lo <= span.hi; lo += RANGE) copy(lo, Math.min(lo + RANGE - 1, span.hi));
}

/** Renames the database and its -wal and -shm to `<file>.corrupt-<stamp>` (-wal, -shm), so SQLite still pairs them. */
export function moveAside(file: string, stamp: string): string {
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

const some = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What the user is told: what happened, where the old file is, what came back. */
export function describeRecovery(movedTo: string, counts: SalvageCounts): string {
  return (
    `Hearth's database was damaged, so it was set aside as ${movedTo} (nothing was deleted) and a new one was started. ` +
    `What could still be read was copied into it: ${some(counts.conversations, 'conversation')}, ` +
    `${some(counts.messages, 'message')} and ${some(counts.settings, 'setting')}. Some chats or messages may be missing.`
  );
}
