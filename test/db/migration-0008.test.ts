import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { ModelsRepo } from '../../electron/models/library/modelsRepo';
import { DEFAULT_MODEL_SETTINGS, type LicenceCard } from '../../shared/models';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V8 = migrations.findIndex((m) => m.version === 8);
const card: LicenceCard = {
  id: 'apache-2.0',
  name: 'Apache License 2.0',
  category: 'permissive',
  commercialUse: true,
  conditions: ['Keep the licence and notices.'],
  url: null,
};

describe('migration 0008: the model library and the download queue', () => {
  it('is registered as version 8, right after version 7', () => {
    expect(V8).toBe(7);
    expect(migrations[V8]!.name).toBe('model-library');
  });

  it('upgrades a version 7 database: chats and settings stay, and models can then be remembered', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v7 = new Database(file);
    v7.pragma('journal_mode = WAL');
    migrate(v7, migrations.slice(0, V8));
    v7.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1, 1)").run();
    v7.prepare("INSERT INTO settings (key, value) VALUES ('selectedModelPath', '\"/models/a.gguf\"')").run();
    v7.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V8, to: migrations.length });
    expect(migration.backup).not.toBeNull();
    expect(db.prepare('SELECT title FROM conversations').all()).toEqual([{ title: 'Old chat' }]);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'selectedModelPath'").get()).toEqual({ value: '"/models/a.gguf"' });

    const repo = new ModelsRepo(db, () => 5);
    expect(repo.all()).toEqual([]);
    repo.saveDownload('/models/o/r/a.gguf', { repo: 'o/r', revision: 'abc', file: 'a.gguf', sha256: 'A'.repeat(64), license: card });
    repo.saveSettings('/models/o/r/a.gguf', { ...DEFAULT_MODEL_SETTINGS, contextSize: 2048 });
    repo.saveMeta('/models/o/r/a.gguf', { meta: null, problem: 'truncated', size: 10, mtimeMs: 1.5 });
    expect(repo.get('/models/o/r/a.gguf')).toEqual({
      path: '/models/o/r/a.gguf',
      hub: { repo: 'o/r', revision: 'abc', file: 'a.gguf' },
      sha256: 'a'.repeat(64),
      license: card,
      settings: { ...DEFAULT_MODEL_SETTINGS, contextSize: 2048 },
      meta: { meta: null, problem: 'truncated', size: 10, mtimeMs: 1.5 },
      addedAt: 5,
    });
    expect(repo.byHubFile('o/r', 'a.gguf').map((r) => r.path)).toEqual(['/models/o/r/a.gguf']);
    expect(db.prepare('SELECT count(*) AS n FROM downloads').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a hash that is not SHA-256, JSON that does not parse, and a download with a status outside the contract', () => {
    const { db } = openDatabase(':memory:');
    expect(() => db.prepare("INSERT INTO models (path, sha256, added_at) VALUES ('/a', 'abc', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO models (path, settings_json, added_at) VALUES ('/a', '{oops', 1)").run()).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO downloads (id, repo, revision, file, dest_path, parts_json, status, license_json, created_at, updated_at)
           VALUES ('d', 'o/r', 'main', 'a.gguf', '/a', '[]', 'lost', '{}', 1, 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('reads a stored value an older build wrote in another shape as absent, not as an error', () => {
    const { db } = openDatabase(':memory:');
    db.prepare(
      `INSERT INTO models (path, settings_json, license_json, added_at) VALUES ('/a', '{"contextSize":"big"}', '{"id":1}', 1)`,
    ).run();
    expect(new ModelsRepo(db).get('/a')).toMatchObject({ settings: null, license: null, meta: null });
    db.close();
  });
});
