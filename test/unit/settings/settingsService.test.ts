import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/types';
import { createBackend, type Backend } from '../../../electron/api/backend';
import { dispatch } from '../../../electron/api/dispatch';
import { forkSpawner } from '../../../electron/inference/forkSpawner';
import { WORKER_PATH, tempDir, tinyModel } from '../../helpers/fixtures';

let backend: Backend;
let cleanup: () => void;
let dir: string;
let changed: Settings[];

beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  dir = t.dir;
  // The inference process is never started here: no model is loaded.
  backend = createBackend({
    dataDir: join(t.dir, 'data'),
    modelsDir: join(t.dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'test',
  });
  changed = [];
  backend.events.subscribe((event, payload) => {
    if (event === 'settings:changed') changed.push(payload as Settings);
  });
});
afterEach(async () => {
  await backend.dispose(1000);
  cleanup();
});

async function update(patch: Record<string, unknown>): Promise<Settings> {
  const r = await dispatch(backend.handlers, 'settings:update', patch);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Settings;
}

describe('settings updates', () => {
  it("keeps two clients' changes to different fields, and tells every client the full settings after each", async () => {
    // Two windows opened with the same settings; each changes one field.
    await update({ temperature: 0.1 });
    await update({ maxTokens: 42 });
    const now = backend.settings.get();
    expect(now).toMatchObject({ temperature: 0.1, maxTokens: 42 });
    expect(changed).toHaveLength(2);
    expect(changed[0]).toMatchObject({ temperature: 0.1, maxTokens: 0 });
    expect(changed[1]).toEqual(now);
  });

  it('tells clients when opening a model file changes the settings too', async () => {
    const path = tinyModel(dir, 'opened.gguf');
    await dispatch(backend.handlers, 'models:add', { path });
    expect(changed.at(-1)).toMatchObject({ addedModelPaths: [path] });
  });

  it('refuses the fields only models:* may change, and says nothing', async () => {
    await expect(update({ selectedModelPath: '/elsewhere.gguf' })).rejects.toThrow(/Invalid input/);
    expect(changed).toEqual([]);
  });
});
