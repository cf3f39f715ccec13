import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V9 = migrations.findIndex((m) => m.version === 9);

/** A collection with a source, a document and two chunks, attached to conversation `c1`. */
function seed(db: Database.Database): void {
  db.exec(`
    INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Chat', 1, 1);
    INSERT INTO collections (id, name, created_at, updated_at) VALUES ('k1', 'Manuals', 1, 1);
    INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES ('s1', 'k1', 'folder', '/docs', 1, 1);
    INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, text, pages_json, updated_at)
      VALUES ('d1', 'k1', 's1', '/docs/stove.pdf', 10, 1.5, 'indexed', 'Open the damper. Close the flue.', '[{"page":1,"start":0}]', 1);
    INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, page, heading_path, tokens)
      VALUES ('d1', 'k1', 0, 'Open the damper.', 0, 16, 1, 'Lighting', 4), ('d1', 'k1', 1, 'Close the flue.', 17, 32, 1, NULL, 4);
    INSERT INTO conversation_collections (conversation_id, collection_id) VALUES ('c1', 'k1');
  `);
}

const fts = (db: Database.Database, word: string): number[] =>
  db
    .prepare<[string], { rowid: number }>('SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid')
    .all(`"${word}"`)
    .map((r) => r.rowid);
const count = (db: Database.Database, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('migration 0009: collections, documents, chunks and citations', () => {
  it('is registered as version 9, right after version 8', () => {
    expect(V9).toBe(8);
    expect(migrations[V9]!.name).toBe('collections');
  });

  it('upgrades a version 8 database: chats and messages stay, messages gain empty citations, collections can be made', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v8 = new Database(file);
    v8.pragma('journal_mode = WAL');
    migrate(v8, migrations.slice(0, V9));
    v8.exec(`
      INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c0', 'Old chat', 1, 1);
      INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m0', 'c0', 1, 'user', 'Hello hearth', 'complete', 1);
    `);
    v8.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V9, to: migrations.length });
    expect(migration.backup).not.toBeNull();
    expect(db.prepare('SELECT id, content, citations FROM messages').all()).toEqual([
      { id: 'm0', content: 'Hello hearth', citations: null },
    ]);
    seed(db);
    expect(count(db, 'chunks')).toBe(2);
    db.prepare("UPDATE messages SET citations = '[]' WHERE id = 'm0'").run();
    db.close();
  });

  it('keeps chunks_fts in step with chunks on insert, update and delete', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    const [damper, flue] = db.prepare('SELECT id FROM chunks ORDER BY ord').pluck().all() as number[];
    expect(fts(db, 'damper')).toEqual([damper]);
    expect(fts(db, 'flue')).toEqual([flue]);
    db.prepare('UPDATE chunks SET text = ? WHERE id = ?').run('Close the chimney.', flue);
    expect(fts(db, 'flue')).toEqual([]);
    expect(fts(db, 'chimney')).toEqual([flue]);
    db.prepare('UPDATE chunks SET page = 2 WHERE id = ?').run(flue);
    expect(fts(db, 'chimney')).toEqual([flue]);
    db.prepare('DELETE FROM chunks WHERE id = ?').run(damper);
    expect(fts(db, 'damper')).toEqual([]);
    // FTS5's own check compares the index with the content table, and throws where they differ.
    expect(() => db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')").run()).not.toThrow();
    db.close();
  });

  it('folds accents in the keyword index (remove_diacritics 2)', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    db.prepare("UPDATE chunks SET text = 'Le café près du poêle' WHERE ord = 0").run();
    expect(fts(db, 'cafe')).toHaveLength(1);
    expect(fts(db, 'poele')).toHaveLength(1);
    db.close();
  });

  it('cascades: a deleted document takes its chunks and their words; a deleted collection takes everything of it', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    db.exec(`
      INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at)
        VALUES ('d2', 'k1', 's1', '/docs/b.txt', 1, 1, 'pending', 1);
      INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, tokens) VALUES ('d2', 'k1', 0, 'Birch logs.', 0, 11, 2);
    `);
    db.prepare("DELETE FROM documents WHERE id = 'd1'").run();
    expect(count(db, 'chunks')).toBe(1);
    expect(fts(db, 'damper')).toEqual([]);
    expect(fts(db, 'birch')).toHaveLength(1);

    db.prepare("DELETE FROM collections WHERE id = 'k1'").run();
    for (const table of ['collection_sources', 'documents', 'chunks', 'conversation_collections']) expect(count(db, table), table).toBe(0);
    expect(fts(db, 'birch')).toEqual([]);
    expect(count(db, 'conversations')).toBe(1);
    db.close();
  });

  it('cascades from a source to its documents, and from a conversation to its attachments', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    db.prepare("DELETE FROM conversations WHERE id = 'c1'").run();
    expect(count(db, 'conversation_collections')).toBe(0);
    expect(count(db, 'collections')).toBe(1);
    db.prepare("DELETE FROM collection_sources WHERE id = 's1'").run();
    expect(count(db, 'documents')).toBe(0);
    expect(count(db, 'chunks')).toBe(0);
    db.close();
  });

  it('refuses rows outside the schema’s rules', () => {
    const { db } = openDatabase(':memory:');
    seed(db);
    const refused = [
      "INSERT INTO collections (id, name, created_at, updated_at) VALUES ('k2', '', 1, 1)",
      "INSERT INTO collections (id, name, dimensions, created_at, updated_at) VALUES ('k2', 'x', 0, 1, 1)",
      "INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES ('s2', 'k1', 'url', '/x', 0, 1)",
      "INSERT INTO collection_sources (id, collection_id, kind, path, watch, added_at) VALUES ('s2', 'k1', 'folder', '/docs', 0, 1)",
      "INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES ('d9', 'k1', 's1', '/y', 1, 1, 'done', 1)",
      "INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, updated_at) VALUES ('d9', 'k1', 's1', '/docs/stove.pdf', 1, 1, 'pending', 1)",
      "INSERT INTO documents (id, collection_id, source_id, path, size_bytes, mtime_ms, status, pages_json, updated_at) VALUES ('d9', 'k1', 's1', '/z', 1, 1, 'pending', '{oops', 1)",
      "INSERT INTO chunks (document_id, collection_id, ord, text, char_start, char_end, tokens) VALUES ('nope', 'k1', 0, 't', 0, 1, 1)",
      "UPDATE messages SET citations = '{oops'",
      "INSERT INTO conversation_collections (conversation_id, collection_id) VALUES ('c1', 'nope')",
    ];
    db.exec(
      "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES ('m1', 'c1', 1, 'user', 'x', 'complete', 1)",
    );
    for (const sql of refused) expect(() => db.prepare(sql).run(), sql).toThrow(/constraint/i);
    db.close();
  });
});
