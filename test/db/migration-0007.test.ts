import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PresetsRepo } from '../../electron/chat/presetsRepo';
import { migrate } from '../../electron/db/migrate';
import { migrations } from '../../electron/db/migrations';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const V7 = migrations.findIndex((m) => m.version === 7);

describe('migration 0007: presets and per-conversation sampling', () => {
  it('is registered as version 7, right after version 6', () => {
    expect(V7).toBe(6);
    expect(migrations[V7]!.name).toBe('presets-sampling');
  });

  it('upgrades a version 6 database: old chats inherit everything, and can then pick a preset and sampling', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const v6 = new Database(file);
    v6.pragma('journal_mode = WAL');
    migrate(v6, migrations.slice(0, V7));
    v6.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1, 1)").run();
    v6.close();

    const { db, migration } = openDatabase(file);
    expect(migration).toMatchObject({ from: V7, to: migrations.length });
    const repo = new PresetsRepo(db);
    expect(repo.params('c1')).toEqual({
      conversationId: 'c1',
      presetId: null,
      systemPrompt: null,
      sampling: { temperature: null, topP: null, topK: null, minP: null, repeatPenalty: null, maxTokens: null, seed: null },
    });
    repo.insert({ id: 'p1', name: 'Pirate', systemPrompt: 'Talk like a pirate.', createdAt: 2, updatedAt: 2 });
    const params = repo.params('c1');
    repo.saveParams({ ...params, presetId: 'p1', sampling: { ...params.sampling, temperature: 1, topK: 40, seed: 7 } });
    expect(repo.params('c1')).toMatchObject({ presetId: 'p1', sampling: { temperature: 1, topK: 40, seed: 7, topP: null } });

    // Deleting the preset un-picks it and keeps the sampling; deleting the chat deletes its choices.
    repo.remove('p1');
    expect(repo.params('c1')).toMatchObject({ presetId: null, sampling: { temperature: 1, seed: 7 } });
    db.prepare("DELETE FROM conversations WHERE id = 'c1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM conversation_params').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a preset without a name and a choice for a chat that does not exist', () => {
    const { db } = openDatabase(':memory:');
    expect(() =>
      db.prepare("INSERT INTO presets (id, name, system_prompt, created_at, updated_at) VALUES ('p', '', 'x', 1, 1)").run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO conversation_params (conversation_id) VALUES ('nope')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
