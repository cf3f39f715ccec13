import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInput } from '../../../shared/api';
import { openDatabase } from '../../../electron/db/open';
import { EventBus } from '../../../electron/lib/events';
import { FileSecretStore } from '../../../electron/providers/fileSecretStore';
import { ProvidersService } from '../../../electron/providers/providersService';
import { type FakeProvider, type FakeProviderOptions, startFakeProvider } from '../../helpers/fakeProvider';
import { tempDir } from '../../helpers/fixtures';

const KEY = 'sk-check-31415926';

let dir: string;
let cleanup: () => void;
let db: Database.Database;
let fake: FakeProvider;

beforeEach(() => {
  const t = tempDir('hearth-check-');
  dir = t.dir;
  cleanup = t.cleanup;
  db = openDatabase(join(dir, 'hearth.db')).db;
});

afterEach(async () => {
  await fake.close();
  db.close();
  cleanup();
});

async function setup(o: FakeProviderOptions = {}, over: Partial<ProviderInput> = {}, timeoutMs = 30_000) {
  fake = await startFakeProvider({ key: KEY, models: ['fake-small', 'fake-large'], ...o });
  const service = new ProvidersService({ db, events: new EventBus(), secrets: new FileSecretStore(join(dir, 'secrets')), timeoutMs });
  const provider = await service.save({
    name: 'Fake Cloud',
    baseUrl: fake.baseUrl,
    key: KEY,
    enabled: true,
    models: [{ id: 'fake-large', inputPerMTok: 1, outputPerMTok: 2 }],
    ...over,
  });
  return { service, provider };
}

describe('ProvidersService.check', () => {
  it('lists the provider’s models, asking GET /models with the key', async () => {
    const { service, provider } = await setup();
    expect(await service.check(provider.id)).toEqual({
      ok: true,
      message: 'Fake Cloud answered and lists 2 models.',
      models: ['fake-small', 'fake-large'],
    });
    expect(fake.requests).toEqual([{ method: 'GET', path: '/v1/models', authorization: `Bearer ${KEY}`, body: undefined }]);
  });

  it('names the user’s models the provider does not list', async () => {
    const { service, provider } = await setup(
      {},
      {
        models: [
          { id: 'fake-large', inputPerMTok: 1, outputPerMTok: 2 },
          { id: 'fake-huge', inputPerMTok: 1, outputPerMTok: 2 },
        ],
      },
    );
    const r = await service.check(provider.id);
    expect(r.ok).toBe(true);
    expect(r.message).toBe('Fake Cloud answered and lists 2 models. It does not list fake-huge: check that name.');
  });

  it('checks a provider that is not enabled yet, when the user asks (only the model list is asked for)', async () => {
    const { service, provider } = await setup({}, { enabled: false });
    expect((await service.check(provider.id)).ok).toBe(true);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('says a wrong key was refused, without the key', async () => {
    const { service, provider } = await setup({}, { key: 'sk-wrong-key-000' });
    const r = await service.check(provider.id);
    expect(r).toEqual({ ok: false, message: 'Fake Cloud refused the key: check it in Connections > Remote providers.', models: [] });
    expect(JSON.stringify(r)).not.toContain('sk-wrong-key-000');
  });

  it('says a key is missing when the provider asks for one', async () => {
    const { service, provider } = await setup({}, { key: undefined });
    expect((await service.check(provider.id)).message).toBe(
      'Fake Cloud asks for a key and none is stored: add one in Connections > Remote providers.',
    );
  });

  it('explains a rate limit, a server error and a base URL without /v1, each in words', async () => {
    const { service, provider } = await setup({ mode: 'rate-limit', retryAfterSeconds: 90 });
    expect((await service.check(provider.id)).message).toBe('Fake Cloud hit its rate limit: try again in 2 minutes.');
    fake.setMode('server-error');
    expect((await service.check(provider.id)).message).toMatch(/^Fake Cloud had a problem of its own \(status 500/);
    fake.setMode('ok');
    const root = fake.baseUrl.replace(/\/v1$/, '');
    await service.save({ ...provider, baseUrl: root, key: undefined });
    expect((await service.check(provider.id)).message).toBe(
      `Fake Cloud has no model list at ${root}: check the base URL (for most providers it ends in /v1).`,
    );
  });

  it('gives up on a provider that never answers', async () => {
    const { service, provider } = await setup({ mode: 'hang' }, {}, 250);
    expect(await service.check(provider.id)).toMatchObject({ ok: false, message: expect.stringContaining('did not answer within 250 ms') });
  });

  it('says nothing answers where no server runs', async () => {
    const { service, provider } = await setup();
    await fake.close();
    expect((await service.check(provider.id)).message).toContain('nothing answers there (connection refused)');
  });

  it('says an answer that is not a model list is not understood', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Welcome to nginx!</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { service, provider } = await setup();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      await service.save({ ...provider, baseUrl: url, key: undefined });
      expect((await service.check(provider.id)).message).toBe(
        `Fake Cloud did not answer with a model list Hearth understands: check that ${url} is an OpenAI-compatible base URL.`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
