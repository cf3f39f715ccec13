import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../../shared/api';
import { openDatabase } from '../../../electron/db/open';
import { EventBus } from '../../../electron/lib/events';
import { RouterService } from '../../../electron/router/routerService';
import { SettingsService } from '../../../electron/settings/settingsService';

const acme: Provider = {
  id: 'p1',
  name: 'Acme',
  baseUrl: 'https://api.acme.example/v1',
  enabled: true,
  hasKey: true,
  models: [{ id: 'gpt-x', inputPerMTok: 2, outputPerMTok: 8 }],
  createdAt: 1,
};

let db: Database.Database;
let settings: SettingsService;
let events: { event: string; payload: unknown }[];
let router: RouterService;
let now: number;
let collections: Record<string, string[]>;

beforeEach(() => {
  ({ db } = openDatabase(':memory:'));
  db.exec("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Chat', 1, 1), ('c2', 'Other', 1, 1)");
  settings = new SettingsService(db);
  const bus = new EventBus();
  events = [];
  bus.subscribe((event, payload) => events.push({ event, payload }));
  now = Date.UTC(2025, 2, 15, 12);
  collections = {};
  router = new RouterService({
    db,
    events: bus,
    settings,
    providers: { find: (id) => (id === acme.id ? acme : null) },
    collectionsOf: (id) => collections[id] ?? [],
    now: () => now,
  });
});
afterEach(() => db.close());

const logged = (at: number, target: 'local' | 'remote', costUsd: number, conversationId = 'c1'): void => {
  now = at;
  router.record({
    conversationId,
    messageId: `m${at}`,
    target,
    providerId: target === 'remote' ? 'p1' : null,
    providerName: target === 'remote' ? 'Acme' : null,
    model: target === 'remote' ? 'gpt-x' : 'tiny.gguf',
    rule: 'policy',
    reason: 'Because.',
    promptTokens: 10,
    completionTokens: 20,
    costUsd,
  });
};

describe('RouterService', () => {
  it('reads a conversation with no routing as local only, not private, with no remote model', () => {
    expect(router.get('c1')).toEqual({ conversationId: 'c1', policy: 'local', private: false, remote: null });
  });

  it('sets routing in parts, keeps what a patch leaves out, and says so with router:changed', () => {
    expect(router.set('c1', { policy: 'auto' })).toMatchObject({ policy: 'auto', private: false, remote: null });
    expect(router.set('c1', { private: true })).toMatchObject({ policy: 'auto', private: true });
    expect(router.set('c1', { remote: { providerId: 'p1', model: 'gpt-x' } })).toMatchObject({
      policy: 'auto',
      private: true,
      remote: { providerId: 'p1', model: 'gpt-x' },
    });
    expect(router.set('c1', { remote: null }).remote).toBeNull();
    expect(router.get('c2').policy).toBe('local');
    expect(events.filter((e) => e.event === 'router:changed')).toEqual(
      Array.from({ length: 4 }, () => ({ event: 'router:changed', payload: { conversationId: 'c1' } })),
    );
  });

  it('refuses routing for a conversation that does not exist, or a remote model no provider offers', () => {
    expect(() => router.set('nope', { policy: 'auto' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => router.set('c1', { remote: { providerId: 'gone', model: 'gpt-x' } })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => router.set('c1', { remote: { providerId: 'p1', model: 'gpt-z' } })).toThrow(/Acme does not list gpt-z/);
    expect(router.get('c1').remote).toBeNull();
  });

  it("counts this UTC calendar month's remote spending only, newest entries first, with the cap from settings", () => {
    logged(Date.UTC(2025, 1, 28, 23, 59, 59), 'remote', 1); // last month
    logged(Date.UTC(2025, 2, 1, 0, 0, 0), 'remote', 0.25); // the month's first millisecond
    logged(Date.UTC(2025, 2, 10), 'local', 0);
    logged(Date.UTC(2025, 2, 20), 'remote', 0.5, 'c2');
    now = Date.UTC(2025, 2, 31, 23, 59);
    settings.update({ monthlyCostCapUsd: 3 });
    const log = router.log();
    expect(log.monthCostUsd).toBe(0.75);
    expect(log.monthlyCapUsd).toBe(3);
    expect(log.entries.map((e) => e.at)).toEqual([
      Date.UTC(2025, 2, 20),
      Date.UTC(2025, 2, 10),
      Date.UTC(2025, 2, 1),
      Date.UTC(2025, 1, 28, 23, 59, 59),
    ]);
    expect(log.entries[0]).toMatchObject({ conversationId: 'c2', target: 'remote', providerName: 'Acme', costUsd: 0.5, promptTokens: 10 });
    expect(router.log(2).entries).toHaveLength(2);
    now = Date.UTC(2025, 3, 1);
    expect(router.log().monthCostUsd).toBe(0);
  });

  it('decides from what it reads: the routing, the attached collections, the default remote and the month spent', () => {
    router.set('c1', { policy: 'remote' });
    expect(router.decide('c1', { text: 'hi', promptTokens: 10, answerTokens: 10 })).toMatchObject({ target: 'local', rule: 'no-provider' });
    settings.update({ defaultRemote: { providerId: 'p1', model: 'gpt-x' } });
    expect(router.decide('c1', { text: 'hi', promptTokens: 10, answerTokens: 10 })).toMatchObject({ target: 'remote', rule: 'policy' });
    collections.c1 = ['k1'];
    expect(router.decide('c1', { text: 'hi', promptTokens: 10, answerTokens: 10 })).toMatchObject({ target: 'local', rule: 'documents' });
    expect(() => router.decideTarget('c1', { kind: 'remote', providerId: 'p1', model: 'gpt-x' })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    collections.c1 = [];
    router.set('c1', { policy: 'auto' });
    logged(now, 'remote', 5);
    expect(router.decide('c1', { text: '```\nx()\n```', promptTokens: 10, answerTokens: 10 })).toMatchObject({ rule: 'cost-cap' });
    // A chat not saved yet has no routing: it runs here.
    expect(router.decide(null, { text: '```\nx()\n```', promptTokens: 10, answerTokens: 10 })).toMatchObject({
      target: 'local',
      rule: 'policy',
    });
  });
});
