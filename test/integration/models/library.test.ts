import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../../electron/api/backend';
import type { LibraryModel, LicenceCard } from '../../../shared/models';
import type { AppInfo, Settings } from '../../../shared/types';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { tempDir, tinyLora, tinyModel } from '../../helpers/fixtures';

/** The library's calls through the handler table: add, delete, per-model settings, the models folder, downloads. */
let dir: string;
let models: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;

const call = <T = unknown>(channel: string, input?: unknown): Promise<T> => callHandler<T>(backend, channel, input);
const list = (): Promise<LibraryModel[]> => call<LibraryModel[]>('models:list');
const changes = (): number => seen.filter((s) => s.event === 'models:changed').length;
const card: LicenceCard = {
  id: 'apache-2.0',
  name: 'Apache License 2.0',
  category: 'permissive',
  commercialUse: true,
  conditions: ['Keep the licence and its notices with copies.'],
  url: 'https://www.apache.org/licenses/LICENSE-2.0',
};

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  models = join(dir, 'models');
  mkdirSync(models, { recursive: true });
  seen = [];
  backend = startBackend(dir, seen);
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('adding and deleting models', () => {
  it('remembers a file the user opened once, and tells every client the library changed', async () => {
    const opened = tinyModel(dir, 'opened.gguf');
    expect(await call('models:add', { path: opened })).toMatchObject({ path: opened, source: 'added', problem: null });
    expect(changes()).toBe(1);
    await call('models:add', { path: opened });
    expect(backend.settings.get().addedModelPaths).toEqual([opened]);
    expect((await list()).map((m) => [m.fileName, m.source])).toEqual([['opened.gguf', 'added']]);
    await expect(call('models:add', { path: join(dir, 'missing.gguf') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes a downloaded model with its licence card and the folders its download made; an opened file is only forgotten', async () => {
    mkdirSync(join(models, 'owner', 'repo'), { recursive: true });
    const downloaded = tinyModel(join(models, 'owner', 'repo'), 'model.gguf');
    const sha = 'ab'.repeat(32);
    backend.models.registerDownload({
      path: downloaded,
      repo: 'owner/repo',
      revision: 'c0ffee',
      file: 'model.gguf',
      sha256: sha,
      license: card,
    });
    expect(JSON.parse(readFileSync(`${downloaded}.licence.json`, 'utf8'))).toEqual(card);
    expect(backend.models.isDownloaded('owner/repo', 'model.gguf')).toBe(true);
    const opened = tinyModel(dir, 'opened.gguf');
    await call('models:add', { path: opened });
    expect(await list()).toEqual([
      expect.objectContaining({
        path: downloaded,
        source: 'downloaded',
        hub: { repo: 'owner/repo', revision: 'c0ffee', file: 'model.gguf' },
        sha256: sha,
        license: card,
      }),
      expect.objectContaining({ path: opened, source: 'added', hub: null, license: null }),
    ]);

    const before = changes();
    await call('models:delete', { path: downloaded });
    expect(existsSync(downloaded)).toBe(false);
    expect(existsSync(`${downloaded}.licence.json`)).toBe(false);
    expect(existsSync(join(models, 'owner'))).toBe(false);
    expect(existsSync(models)).toBe(true);
    expect(backend.models.isDownloaded('owner/repo', 'model.gguf')).toBe(false);
    await call('models:delete', { path: opened });
    expect(existsSync(opened)).toBe(true);
    expect(backend.settings.get().addedModelPaths).toEqual([]);
    expect(await list()).toEqual([]);
    expect(changes()).toBe(before + 2);
  });

  it('refuses to delete a path the library does not list, and leaves that file alone', async () => {
    const outside = tinyModel(dir, 'outside.gguf');
    tinyModel(models, 'inside.gguf');
    mkdirSync(join(models, 'a', 'b', 'c', 'd'), { recursive: true });
    const tooDeep = tinyModel(join(models, 'a', 'b', 'c', 'd'), 'deep.gguf');
    mkdirSync(join(models, '.hidden'));
    const hidden = tinyModel(join(models, '.hidden'), 'hidden.gguf');
    // A folder link inside the models folder that leads out of it: the scan does not follow it, nor does a delete.
    symlinkSync(dir, join(models, 'link'));
    const paths = [outside, join(models, '..', 'outside.gguf'), join(models, 'link', 'outside.gguf'), tooDeep, hidden];
    for (const path of [...paths, 'inside.gguf']) {
      await expect(call('models:delete', { path })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(call('models:load', { path })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    for (const path of [...paths, join(models, 'inside.gguf')]) expect(existsSync(path)).toBe(true);
    expect((await list()).map((m) => m.fileName)).toEqual(['inside.gguf']);
  });

  it('unloads a model before deleting it, and it is no longer the one picked', async () => {
    const model = tinyModel(models, 'loaded.gguf');
    expect(await call('models:load', { path: model })).toMatchObject({ status: 'ready' });
    await call('models:delete', { path: model });
    expect(backend.host.getState()).toEqual({ status: 'none', lastError: null });
    expect(backend.settings.get().selectedModelPath).toBeNull();
    expect(existsSync(model)).toBe(false);
  });
});

describe('per-model load settings', () => {
  it('keeps a partial update, returns the whole settings, and refuses values outside the contract', async () => {
    const model = tinyModel(models, 'model.gguf');
    expect(await call('models:settings', { path: model, settings: { contextSize: 512 } })).toMatchObject({
      settings: { contextSize: 512, threads: null, gpuLayers: 'auto', lora: [] },
    });
    await call('models:settings', { path: model, settings: { threads: 2, gpuLayers: 0, flashAttention: false } });
    expect((await list())[0]?.settings).toEqual({
      contextSize: 512,
      threads: 2,
      gpuLayers: 0,
      flashAttention: false,
      batchSize: null,
      lora: [],
    });
    await expect(call('models:settings', { path: model, settings: { contextSize: -1 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('models:settings', { path: model, settings: { tokens: 5 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('models:settings', { path: join(dir, 'nope.gguf'), settings: { threads: 1 } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(changes()).toBe(2);
  });

  it('takes only existing LoRA adapters for the same architecture, and drops an adapter that is deleted', async () => {
    const model = tinyModel(models, 'model.gguf');
    const other = tinyModel(models, 'other.gguf');
    const adapter = tinyLora(models, 'adapter.gguf');
    const qwen = tinyLora(dir, 'qwen.lora.gguf', { architecture: 'qwen2' });
    const bad = async (lora: { path: string; scale: number }[], why: RegExp): Promise<void> => {
      await expect(call('models:settings', { path: model, settings: { lora } })).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(why),
      });
    };
    await bad([{ path: 'adapter.gguf', scale: 1 }], /full path/);
    await bad([{ path: join(dir, 'missing.gguf'), scale: 1 }], /does not exist/);
    await bad([{ path: other, scale: 1 }], /other\.gguf is not a LoRA adapter: it is a chat model/);
    await bad([{ path: qwen, scale: 1 }], /adapts a qwen2 model/);
    await bad(
      [
        { path: adapter, scale: 1 },
        { path: adapter, scale: 0.5 },
      ],
      /listed twice/,
    );
    await expect(call('models:settings', { path: adapter, settings: { threads: 1 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });

    expect(await call('models:settings', { path: model, settings: { lora: [{ path: adapter, scale: 0.5 }] } })).toMatchObject({
      settings: { lora: [{ path: adapter, scale: 0.5 }] },
    });
    await call('models:delete', { path: adapter });
    expect((await list()).find((m) => m.path === model)?.settings.lora).toEqual([]);
  });
});

describe('the models folder', () => {
  it('moves to an absolute folder, made if missing, lists models from there, and goes back to the default with null', async () => {
    tinyModel(models, 'default.gguf');
    const elsewhere = join(dir, 'elsewhere', 'models');
    expect(await call('models:setFolder', { path: elsewhere })).toEqual({ modelsDir: elsewhere });
    expect(existsSync(elsewhere)).toBe(true);
    expect(backend.settings.get().modelsFolder).toBe(elsewhere);
    expect((await call<AppInfo>('app:getInfo')).modelsDir).toBe(elsewhere);
    expect(seen.some((s) => s.event === 'settings:changed' && (s.payload as Settings).modelsFolder === elsewhere)).toBe(true);
    expect(await list()).toEqual([]);
    tinyModel(elsewhere, 'moved.gguf');
    expect((await list()).map((m) => m.fileName)).toEqual(['moved.gguf']);
    expect(changes()).toBe(1);

    expect(await call('models:setFolder', { path: null })).toEqual({ modelsDir: models });
    expect((await list()).map((m) => m.fileName)).toEqual(['default.gguf']);
  });

  it('refuses a relative folder and one it cannot make, and keeps the folder it had', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    await expect(call('models:setFolder', { path: 'models' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/full path/),
    });
    await expect(call('models:setFolder', { path: join(dir, 'a-file') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/cannot keep models in .*a file of that name is in the way|not a folder/),
    });
    await expect(call('models:setFolder', { path: join(dir, 'a-file', 'models') })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(backend.models.modelsDir()).toBe(models);
    expect(changes()).toBe(0);
  });
});

describe('downloads in the library', () => {
  it('reads the licence card a downloaded file carries with it, in another Hearth that never downloaded it', async () => {
    const downloaded = tinyModel(models, 'model.gguf');
    backend.models.registerDownload({
      path: downloaded,
      repo: 'o/r',
      revision: 'main',
      file: 'model.gguf',
      sha256: 'cd'.repeat(32),
      license: card,
    });
    const other = tempDir();
    try {
      mkdirSync(join(other.dir, 'models'));
      copyFileSync(downloaded, join(other.dir, 'models', 'model.gguf'));
      copyFileSync(`${downloaded}.licence.json`, join(other.dir, 'models', 'model.gguf.licence.json'));
      const second = startBackend(other.dir, []);
      try {
        expect(await callHandler(second, 'models:list')).toEqual([
          expect.objectContaining({ fileName: 'model.gguf', source: 'folder', hub: null, license: card }),
        ]);
      } finally {
        await second.dispose(2000);
      }
    } finally {
      other.cleanup();
    }
  });
});
