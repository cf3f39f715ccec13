import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const PAGE = 4096;
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

/** Conversations c0..c(n-1), each with `per` messages whose text names them (`word<c>x<m>`), and two settings. */
function fill(db: Database.Database, conversations: number, per: number, offset = 0): Map<string, string> {
  const contents = new Map<string, string>();
  const conv = db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 1, 1)');
  const msg = db.prepare(
    "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES (?, ?, ?, 'user', ?, 'complete', 1)",
  );
  db.transaction(() => {
    for (let c = offset; c < offset + conversations; c++) {
      conv.run(`c${c}`, `Chat ${c}`);
      for (let m = 0; m < per; m++) {
        const content = `word${c}x${m} ${'the hearth keeps warm '.repeat(15)}`;
        msg.run(`m${c}-${m}`, `c${c}`, m, content);
        contents.set(`m${c}-${m}`, content);
      }
    }
  })();
  return contents;
}

/** The leaf pages of a table, in key order, with how many rows each holds. */
function leaves(file: string, table: string): { pageno: number; ncell: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[string], { pageno: number; ncell: number }>(
        "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path",
      )
      .all(table);
  } finally {
    db.close();
  }
}

function smash(file: string, pages: number[]): void {
  const fd = openSync(file, 'r+');
  for (const p of pages) writeSync(fd, Buffer.alloc(PAGE, 0x5a), 0, PAGE, (p - 1) * PAGE);
  closeSync(fd);
}

const corruptFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.includes('.corrupt-'))
    .sort();

describe('opening a damaged database', () => {
  it('moves it aside untouched and copies every row that can still be read into a new one', () => {
    const dir = folder();
    const file = join(dir, 'hearth.db');
    const { db } = openDatabase(file);
    const original = fill(db, 20, 30);
    db.prepare("INSERT INTO settings VALUES ('systemPrompt', '\"Be brief.\"'), ('temperature', '0.2')").run();
    db.close();
    // A page in the middle and the right-most page, which holds the table's highest rowid.
    const pages = leaves(file, 'messages');
    const hit = [pages[Math.floor(pages.length / 2)]!, pages[pages.length - 1]!];
    const lost = hit.reduce((n, p) => n + p.ncell, 0);
    smash(
      file,
      hit.map((p) => p.pageno),
    );
    const damaged = readFileSync(file);

    const { db: opened, recovery } = openDatabase(file, { now: () => NOW });

    expect(recovery).not.toBeNull();
    expect(recovery!.movedTo).toBe(join(dir, 'hearth.db.corrupt-2025-01-02T03-04-05-000Z'));
    expect(readFileSync(recovery!.movedTo).equals(damaged)).toBe(true);
    expect(recovery!.salvaged).toEqual({ conversations: 20, messages: original.size - lost, settings: 2 });
    expect(recovery!.message).toContain(recovery!.movedTo);
    const rows = opened.prepare<[], { id: string; content: string }>('SELECT id, content FROM messages').all();
    expect(rows).toHaveLength(original.size - lost);
    for (const r of rows) expect(r.content).toBe(original.get(r.id));
    expect(opened.prepare("SELECT value FROM settings WHERE key = 'systemPrompt'").get()).toEqual({ value: '"Be brief."' });
    // The search index is rebuilt from the copied rows, not copied.
    const first = rows[0]!;
    expect(
      opened
        .prepare('SELECT m.id FROM messages_fts f JOIN messages m ON m.rowid = f.rowid WHERE messages_fts MATCH ?')
        .all(`word${first.id.slice(1).replace('-', 'x')}`),
    ).toEqual([{ id: first.id }]);
    expect(opened.pragma('quick_check', { simple: true })).toBe('ok');
    opened.close();

    const again = openDatabase(file);
    expect(again.recovery).toBeNull();
    again.db.close();
    expect(corruptFiles(dir)).toEqual([
      'hearth.db.corrupt-2025-01-02T03-04-05-000Z',
      'hearth.db.corrupt-2025-01-02T03-04-05-000Z-shm',
      'hearth.db.corrupt-2025-01-02T03-04-05-000Z-wal',
    ]);
    expect(existsSync(`${file}.salvage`)).toBe(false);
  });

  it('keeps the messages of a conversation whose own row was lost, under a recovered chat', () => {
    const dir = folder();
    const file = join(dir, 'hearth.db');
    const { db } = openDatabase(file);
    const original = fill(db, 5, 20);
    db.close();
    smash(
      file,
      leaves(file, 'conversations').map((p) => p.pageno),
    );

    const { db: opened, recovery } = openDatabase(file);

    expect(recovery!.salvaged).toEqual({ conversations: 5, messages: original.size, settings: 0 });
    expect(opened.prepare('SELECT DISTINCT title FROM conversations').all()).toEqual([{ title: 'Recovered chat' }]);
    opened.close();
  });

  it('starts afresh from a file that is not a database at all, and keeps that file', () => {
    const dir = folder();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, 'these are not the bytes of a database\n'.repeat(500));
    const before = readFileSync(file);

    const { db, recovery } = openDatabase(file, { now: () => NOW });

    expect(recovery!.reason).toMatch(/not a database/);
    expect(recovery!.salvaged).toEqual({ conversations: 0, messages: 0, settings: 0 });
    expect(readFileSync(recovery!.movedTo).equals(before)).toBe(true);
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'New', 1, 1)").run();
    db.close();
  });

  it('moves the write-ahead log aside with the file and salvages the rows that lived only in it', () => {
    const dir = folder();
    const live = join(folder(), 'hearth.db');
    const { db } = openDatabase(live);
    const early = fill(db, 10, 30);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const late = fill(db, 2, 5, 10);
    // What a killed app leaves: the database and its unmerged log.
    const file = join(dir, 'hearth.db');
    copyFileSync(live, file);
    copyFileSync(`${live}-wal`, `${file}-wal`);
    db.close();
    const hit = leaves(live, 'messages')[1]!;
    smash(file, [hit.pageno]);
    const wal = readFileSync(`${file}-wal`);

    const { db: opened, recovery } = openDatabase(file, { now: () => NOW });

    expect(readFileSync(`${recovery!.movedTo}-wal`).equals(wal)).toBe(true);
    expect(recovery!.salvaged.messages).toBe(early.size + late.size - hit.ncell);
    expect(opened.prepare("SELECT count(*) AS n FROM messages WHERE conversation_id IN ('c10', 'c11')").get()).toEqual({ n: late.size });
    opened.close();
  });

  it('leaves a sound database where it is', () => {
    const dir = folder();
    const file = join(dir, 'hearth.db');
    const first = openDatabase(file);
    fill(first.db, 3, 3);
    first.db.close();
    const { db, recovery } = openDatabase(file);
    expect(recovery).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 9 });
    db.close();
    expect(corruptFiles(dir)).toEqual([]);
  });
});
