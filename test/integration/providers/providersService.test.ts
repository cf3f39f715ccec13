import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Provider, ProviderInput } from '../../../shared/api';
import type { Backend } from '../../../electron/api/backend';
import { openDatabase } from '../../../electron/db/open';
import { EventBus } from '../../../electron/lib/events';
import { FileSecretStore } from '../../../electron/providers/fileSecretStore';
import { ProvidersService } from '../../../electron/providers/providersService';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { tempDir } from '../../helpers/fixtures';

const KEY = 'sk-live-7f3a9c1e5b2d4f6a8c0e';
const MODELS = [{ id: 'acme-large', inputPerMTok: 3, outputPerMTok: 15 }];
const input = (over: Partial<ProviderInput> = {}): ProviderInput => ({
  name: 'Acme AI',
  baseUrl: 'https://api.acme.example/v1/',
  key: KEY,
  enabled: true,
  models: MODELS,
  ...over,
});

let dir: string;
let cleanup: () => void;
let db: Database.Database;
let events: EventBus;
let changes: number;
let service: ProvidersService;
const secretsDir = () => join(dir, 'secrets');

beforeEach(() => {
  const t = tempDir('hearth-providers-');
  dir = t.dir;
  cleanup = t.cleanup;
  db = openDatabase(join(dir, 'hearth.db')).db;
  events = new EventBus();
  changes = 0;
  events.subscribe((event) => {
    if (event === 'providers:changed') changes++;
  });
  service = new ProvidersService({ db, events, secrets: new FileSecretStore(secretsDir()) });
});

afterEach(() => {
  if (db.open) db.close();
  cleanup();
});

/** Every file of the data folder but the secrets, as bytes: the database, its WAL, and anything else. */
function bytesOutsideSecrets(): Buffer {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (p === secretsDir()) continue;
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  expect(files.some((f) => f.endsWith('hearth.db'))).toBe(true);
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

describe('ProvidersService', () => {
  it('adds, lists, changes and deletes a provider, announcing each change', async () => {
    const saved = await service.save(input());
    expect(saved).toMatchObject({ name: 'Acme AI', baseUrl: 'https://api.acme.example/v1', enabled: true, hasKey: true, models: MODELS });
    expect(service.list()).toEqual([saved]);
    expect(service.find(saved.id)).toEqual(saved);
    expect(changes).toBe(1);

    const changed = await service.save({ ...input({ name: 'Acme', enabled: false, models: [] }), id: saved.id, key: undefined });
    expect(changed).toEqual({ ...saved, name: 'Acme', enabled: false, models: [] });
    expect(changes).toBe(2);

    await service.remove(saved.id);
    expect(service.list()).toEqual([]);
    expect(service.find(saved.id)).toBeNull();
    expect(changes).toBe(3);
  });

  it('keeps the key in a 0600 file of the secret store, never in the database, the list or a change', async () => {
    const saved = await service.save(input());
    const file = join(secretsDir(), `provider.${saved.id}`);
    expect(readFileSync(file, 'utf8')).toBe(KEY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(secretsDir()).mode & 0o777).toBe(0o700);
    expect(JSON.stringify(service.list())).not.toContain(KEY);
    expect(JSON.stringify(saved)).not.toContain(KEY);
    // The WAL holds the newest writes until a checkpoint: both files are scanned, before and after one.
    expect(bytesOutsideSecrets().includes(Buffer.from(KEY))).toBe(false);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(bytesOutsideSecrets().includes(Buffer.from(KEY))).toBe(false);
  });

  it('keeps the stored key when none is given (or an empty one), replaces it, and removes it with null', async () => {
    const saved = await service.save(input());
    const secrets = new FileSecretStore(secretsDir());
    await service.save({ ...input({ key: '' }), id: saved.id });
    expect(await secrets.get(`provider:${saved.id}`)).toBe(KEY);
    await service.save({ ...input({ key: 'sk-second' }), id: saved.id });
    expect(await secrets.get(`provider:${saved.id}`)).toBe('sk-second');
    const cleared = await service.save({ ...input({ key: null }), id: saved.id });
    expect(cleared.hasKey).toBe(false);
    expect(await secrets.get(`provider:${saved.id}`)).toBeNull();
  });

  it('drops the stored key when the address moves to another host, unless a key comes with the move', async () => {
    const saved = await service.save(input());
    const secrets = new FileSecretStore(secretsDir());
    // Same host, another path: the key stays.
    await service.save({ ...input({ baseUrl: `${new URL(saved.baseUrl).origin}/other/v1`, key: undefined }), id: saved.id });
    expect(await secrets.get(`provider:${saved.id}`)).toBe(KEY);
    // Another host: the old key must not travel there unasked.
    const moved = await service.save({ ...input({ baseUrl: 'http://127.0.0.9:9/v1', key: undefined }), id: saved.id });
    expect(moved.hasKey).toBe(false);
    expect(await secrets.get(`provider:${saved.id}`)).toBeNull();
    const rekeyed = await service.save({ ...input({ baseUrl: 'http://127.0.0.10:9/v1', key: 'sk-new' }), id: saved.id });
    expect(rekeyed.hasKey).toBe(true);
  });

  it('deletes the key with its provider', async () => {
    const saved = await service.save(input());
    await service.remove(saved.id);
    expect(existsSync(join(secretsDir(), `provider.${saved.id}`))).toBe(false);
    await service.remove(saved.id);
    expect(changes).toBe(2);
  });

  it('stores a provider without a key, for a local server that needs none', async () => {
    const saved = await service.save(input({ key: undefined, baseUrl: 'http://10.0.0.5:8000/v1' }));
    expect(saved.hasKey).toBe(false);
    expect(saved.baseUrl).toBe('http://10.0.0.5:8000/v1');
  });

  it('refuses base URLs that are not plain http(s) addresses, in words', async () => {
    const cases: [string, RegExp][] = [
      ['ftp://files.example/v1', /starts with http/],
      ['https://user:pw@api.example/v1', /not in the base URL/],
      ['https://api.example/v1?x=1', /no \? or #/],
      ['https://api.example/v1#frag', /no \? or #/],
      ['http://', /starts with http|not a web address/],
    ];
    for (const [baseUrl, message] of cases) {
      await expect(service.save(input({ baseUrl })), baseUrl).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(message),
      });
    }
    expect(service.list()).toEqual([]);
    expect(existsSync(secretsDir())).toBe(false);
  });

  it('strips every trailing slash from a base URL', async () => {
    expect((await service.save(input({ baseUrl: 'http://127.0.0.1:9000//' }))).baseUrl).toBe('http://127.0.0.1:9000');
  });

  it('refuses a key that could not travel in a header, without repeating it', async () => {
    const bad = 'sk-line\nbreak';
    const error = await service.save(input({ key: bad })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_INPUT' });
    expect((error as Error).message).not.toContain('sk-line');
    expect(service.list()).toEqual([]);
  });

  it('refuses a model listed twice, and a change to a provider that does not exist', async () => {
    await expect(service.save(input({ models: [...MODELS, ...MODELS] }))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(service.save({ ...input(), id: 'gone' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.check('gone')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads a models column edited into something else as no models', async () => {
    const saved = await service.save(input());
    db.prepare('UPDATE providers SET models = ? WHERE id = ?').run('[{"id": 5}]', saved.id);
    expect(service.find(saved.id)?.models).toEqual([]);
    db.prepare('UPDATE providers SET models = ? WHERE id = ?').run('not json', saved.id);
    expect(service.find(saved.id)?.models).toEqual([]);
  });

  it('will not make a chat backend for a provider that is switched off or gone', async () => {
    const saved = await service.save(input({ enabled: false }));
    expect(() => service.backendFor(saved.id, 'acme-large')).toThrow(
      /Acme AI is switched off: enable it in Connections > Remote providers/,
    );
    expect(() => service.backendFor('gone', 'acme-large')).toThrow(/no longer exists/);
  });

  it('says how headless keeps keys', () => {
    expect(service.secretStoreInfo()).toMatchObject({ kind: 'file', warning: expect.stringContaining('plain text') });
  });
});

describe('providers through the handler table', () => {
  let backend: Backend;
  let seen: Seen;
  let bdir: { dir: string; cleanup: () => void };

  beforeEach(() => {
    bdir = tempDir('hearth-providers-backend-');
    seen = [];
    backend = startBackend(bdir.dir, seen);
  });
  afterEach(async () => {
    await backend.dispose();
    bdir.cleanup();
  });

  it('saves, lists and deletes over the contract, keeps the key in data/secrets, and never returns it', async () => {
    const saved = await callHandler<Provider>(backend, 'providers:save', input());
    expect(saved.hasKey).toBe(true);
    const listed = await callHandler<Provider[]>(backend, 'providers:list');
    expect(listed).toEqual([saved]);
    expect(JSON.stringify(listed)).not.toContain(KEY);
    expect(readFileSync(join(bdir.dir, 'data', 'secrets', `provider.${saved.id}`), 'utf8')).toBe(KEY);
    expect(seen.filter((s) => s.event === 'providers:changed')).toEqual([{ event: 'providers:changed', payload: {} }]);
    expect(await callHandler(backend, 'providers:secretStore')).toMatchObject({ kind: 'file' });
    await callHandler(backend, 'providers:delete', { id: saved.id });
    expect(await callHandler(backend, 'providers:list')).toEqual([]);
    await expect(callHandler(backend, 'providers:save', { ...input(), baseUrl: 'gopher://x' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });
});
