import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { costUsd, tokensOfChars } from '../../../electron/router/cost';
import { callHandler } from '../../helpers/backend';
import { ask, COMPLEX, dbPath, ended, type Harness, newChat, PRICE, REPLY, routeLog, startHarness, stored } from './routerHarness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

const route = (conversationId: string, patch: Record<string, unknown>) =>
  callHandler(h.backend, 'router:set', { conversationId, ...patch });

describe('routing answers between this machine and a remote provider', () => {
  it('answers a private chat and a chat with documents here under remote and auto: the provider gets zero requests', async () => {
    const secret = await newChat(h);
    await route(secret, { private: true, remote: { providerId: h.provider.id, model: 'fake-large' } });
    const docs = await newChat(h);
    const manuals = await callHandler<{ id: string }>(h.backend, 'collections:create', { name: 'Manuals' });
    await callHandler(h.backend, 'conversations:setCollections', { id: docs, collectionIds: [manuals.id] });
    await route(docs, { remote: { providerId: h.provider.id, model: 'fake-large' } });

    for (const policy of ['remote', 'auto'] as const) {
      await route(secret, { policy });
      await route(docs, { policy });
      const a = await ask(h, secret, COMPLEX);
      const b = await ask(h, docs, COMPLEX);
      expect([a.end.status, b.end.status]).toEqual(['complete', 'complete']);
      expect(a.end.content).toMatch(/^the( the)*$/);
      expect((await stored(h, secret, a.sent.assistantMessage.id)).route).toMatchObject({
        target: 'local',
        rule: 'private',
        reason: 'This chat is marked private, so it stays on this machine.',
        model: 'says-the.gguf',
        costUsd: 0,
      });
      expect((await stored(h, docs, b.sent.assistantMessage.id)).route).toMatchObject({
        target: 'local',
        rule: 'documents',
        reason: 'Documents are attached, so it stays on this machine.',
      });
    }
    expect(h.fake.requests).toEqual([]);
    // The same chat, no longer private, does go out: the zero above is the privacy rule's, not a dead provider's.
    await route(secret, { policy: 'remote', private: false });
    expect((await ask(h, secret, 'hi')).end.content).toBe(REPLY);
    expect(h.fake.chatRequests()).toHaveLength(1);
  });

  it('auto keeps a simple message here and sends a complex one out; each answer keeps its route, and the log its tokens and cost', async () => {
    const c = await newChat(h);
    await route(c, { policy: 'auto', remote: { providerId: h.provider.id, model: 'fake-large' } });
    const simple = await ask(h, c, 'hi');
    const complex = await ask(h, c, COMPLEX);
    expect(simple.end.content).toMatch(/^the( the)*$/);
    expect(complex.end.content).toBe(REPLY);
    expect(h.fake.chatRequests()).toHaveLength(1);

    // The route is stored when the answer starts, and its cost once it ends.
    expect(complex.sent.assistantMessage).toMatchObject({ model: 'fake-large', route: { target: 'remote', costUsd: null } });
    const local = await stored(h, c, simple.sent.assistantMessage.id);
    const remote = await stored(h, c, complex.sent.assistantMessage.id);
    expect(local.route).toMatchObject({ target: 'local', providerName: null, rule: 'complexity', costUsd: 0 });
    expect(local.route.reason).toMatch(/ran here/);
    expect(local.route.complexity).toBeLessThan(0.5);
    expect(remote.model).toBe('fake-large');
    expect(remote.route).toMatchObject({
      target: 'remote',
      providerId: h.provider.id,
      providerName: 'Fake',
      model: 'fake-large',
      rule: 'complexity',
      reason: expect.stringMatching(/^Looks complex \(.*code.*\): sent to fake-large \(Fake\)\.$/),
    });
    expect(remote.route.complexity).toBeGreaterThanOrEqual(0.5);
    // The provider's own counts, priced: the fake counts prompt words and answer chunks.
    const { promptTokens, completionTokens } = remote.stats;
    expect(promptTokens).toBeGreaterThan(0);
    expect(completionTokens).toBe(REPLY.split(' ').length);
    const cost = ((promptTokens ?? 0) * PRICE + (completionTokens ?? 0) * PRICE) / 1_000_000;
    expect(remote.route.costUsd).toBeCloseTo(cost, 12);
    // A remote answer ran on no GPU of this machine.
    expect(remote.stats.gpu).toBeNull();

    const log = await routeLog(h);
    expect(log.entries.map((e) => [e.messageId, e.target, e.rule, e.promptTokens, e.completionTokens])).toEqual([
      [remote.id, 'remote', 'complexity', promptTokens, completionTokens],
      [local.id, 'local', 'complexity', local.stats.promptTokens, local.stats.completionTokens],
    ]);
    expect(log.entries[0]!.costUsd).toBeCloseTo(cost, 12);
    expect(log.entries[1]!.costUsd).toBe(0);
    expect(log.monthCostUsd).toBeCloseTo(cost, 12);
    expect(log.monthlyCapUsd).toBe(5);
    expect(h.seen.some((s) => s.event === 'router:changed' && (s.payload as { conversationId: string }).conversationId === c)).toBe(true);
  });

  it("falls back to this machine once this month's spending would pass the cap, and says so", async () => {
    const c = await newChat(h);
    await route(c, { policy: 'auto', remote: { providerId: h.provider.id, model: 'fake-large' } });
    const db = new Database(dbPath(h));
    db.prepare(
      `INSERT INTO route_log (id, at, conversation_id, message_id, target, provider_id, provider_name, model, rule, reason, prompt_tokens, completion_tokens, cost_usd)
       VALUES ('seed', ?, 'gone', 'gone', 'remote', ?, 'Fake', 'fake-large', 'complexity', 'Earlier.', 4000, 980, 4.98)`,
    ).run(Date.now(), h.provider.id);
    // Last month's spending does not count against this month's cap.
    db.prepare(
      `INSERT INTO route_log (id, at, conversation_id, message_id, target, model, rule, reason, cost_usd)
       VALUES ('old', ?, 'gone', 'gone', 'remote', 'fake-large', 'complexity', 'Long ago.', 100)`,
    ).run(Date.UTC(2000, 0, 1));
    db.close();

    const { sent, end } = await ask(h, c, COMPLEX);
    expect(end.content).toMatch(/^the( the)*$/);
    expect((await stored(h, c, sent.assistantMessage.id)).route).toMatchObject({
      target: 'local',
      rule: 'cost-cap',
      reason: "Over this month's $5.00 cap ($4.98 spent), so it ran here.",
    });
    expect(h.fake.requests).toEqual([]);
    // Raising the cap lets the same message out again.
    await callHandler(h.backend, 'settings:update', { monthlyCostCapUsd: 10 });
    expect((await ask(h, c, COMPLEX)).end.content).toBe(REPLY);
    expect((await routeLog(h)).monthCostUsd).toBeGreaterThan(4.98);
  });

  it('a provider switched off, or a remote policy with no remote model, answers here with the reason, never an error', async () => {
    const c = await newChat(h);
    await route(c, { policy: 'remote' });
    const none = await ask(h, c, 'hi');
    expect(none.end.status).toBe('complete');
    expect((await stored(h, c, none.sent.assistantMessage.id)).route).toMatchObject({ target: 'local', rule: 'no-provider' });
    await route(c, { remote: { providerId: h.provider.id, model: 'fake-large' } });
    await callHandler(h.backend, 'providers:save', { ...h.provider, key: undefined, enabled: false });
    const off = await ask(h, c, 'hi');
    expect((await stored(h, c, off.sent.assistantMessage.id)).route).toMatchObject({
      target: 'local',
      rule: 'no-provider',
      reason: 'Fake is not enabled, so it ran here: nothing goes out until you enable a provider.',
    });
    expect(h.fake.requests).toEqual([]);
  });

  it('a provider that breaks mid-stream leaves a failed answer with its partial text, as a local crash does; continue goes on there', async () => {
    const c = await newChat(h);
    await route(c, { policy: 'remote', remote: { providerId: h.provider.id, model: 'fake-large' } });
    h.fake.setMode('break');
    const { sent, end } = await ask(h, c, 'hi');
    expect(end.status).toBe('failed');
    expect(end.content).toBe('Hello from ');
    expect(end.error).toMatch(/Fake/);
    const failed = await stored(h, c, sent.assistantMessage.id);
    expect(failed).toMatchObject({ status: 'failed', content: 'Hello from ', error: end.error });
    expect(failed.route).toMatchObject({ target: 'remote', model: 'fake-large' });
    // The provider sent no counts before it broke: the cost is estimated from what was sent and written.
    expect(failed.route.costUsd).toBeGreaterThan(0);
    const [entry] = (await routeLog(h)).entries;
    expect(entry).toMatchObject({ messageId: failed.id, target: 'remote' });
    expect(entry!.completionTokens).toBeGreaterThan(0);

    h.fake.setMode('ok');
    const from = h.seen.length;
    const more = await callHandler<{ streamId: string }>(h.backend, 'chat:continue', { messageId: failed.id });
    const again = await ended(h, more.streamId, from);
    expect(again.error).toBeNull();
    expect(again.status).toBe('complete');
    expect(again.content).toBe(`Hello from ${REPLY}`);
    expect(h.fake.chatRequests()).toHaveLength(2);
    const continued = await stored(h, c, failed.id);
    expect(continued.route.costUsd).toBeGreaterThan(failed.route.costUsd ?? 0);
  });

  it('a remote answer stopped before its first word still counts its prompt against the cap', async () => {
    const c = await newChat(h);
    await route(c, { policy: 'remote', remote: { providerId: h.provider.id, model: 'fake-large' } });
    h.fake.setMode('hang');
    const sent = await callHandler<{ streamId: string; assistantMessage: { id: string } }>(h.backend, 'chat:send', {
      conversationId: c,
      text: 'Think hard about this',
    });
    // The provider has the request (a reasoning model would be thinking, and billing, now).
    await vi.waitFor(() => expect(h.fake.chatRequests()).toHaveLength(1));
    await callHandler(h.backend, 'chat:stop', { streamId: sent.streamId });
    const end = await ended(h, sent.streamId);
    expect(end).toMatchObject({ status: 'stopped', content: '' });
    const [entry] = (await routeLog(h)).entries;
    expect(entry).toMatchObject({ messageId: sent.assistantMessage.id, target: 'remote' });
    expect(entry!.promptTokens).toBeGreaterThan(0);
    expect(entry!.costUsd).toBeGreaterThan(0);
  });

  it('new chats follow the setting until they choose; private ones still stay here', async () => {
    await callHandler(h.backend, 'settings:update', {
      newChatRoutePolicy: 'remote',
      defaultRemote: { providerId: h.provider.id, model: 'fake-large' },
    });
    const first = await ask(h, null, 'hi');
    expect(first.end.content).toBe(REPLY);
    expect(await callHandler(h.backend, 'router:get', { conversationId: first.sent.conversationId })).toMatchObject({ policy: 'remote' });
    expect(h.fake.chatRequests()).toHaveLength(1);
    const c = await newChat(h);
    await route(c, { private: true });
    const kept = await ask(h, c, 'private things');
    expect((await stored(h, c, kept.sent.assistantMessage.id)).route).toMatchObject({ target: 'local', rule: 'private' });
    expect(h.fake.chatRequests()).toHaveLength(1);
    // A chat that chose stays with its choice when the setting changes.
    await route(first.sent.conversationId, { policy: 'local' });
    await callHandler(h.backend, 'settings:update', { newChatRoutePolicy: 'auto' });
    expect(await callHandler(h.backend, 'router:get', { conversationId: first.sent.conversationId })).toMatchObject({ policy: 'local' });
  });

  it('counts answers still being written against the cap: two at once cannot pass what one alone keeps under', async () => {
    // What one complex first message is estimated to cost (as the router sizes it: the system prompt, the message,
    // the chat's 24-token answers); the cap lets one out, not two.
    const one = costUsd({ inputPerMTok: PRICE, outputPerMTok: PRICE }, tokensOfChars('Be brief.'.length + COMPLEX.length), 24);
    await callHandler(h.backend, 'settings:update', { monthlyCostCapUsd: one * 1.5 });
    const [a, b] = [await newChat(h), await newChat(h)];
    for (const c of [a, b]) await route(c, { policy: 'auto', remote: { providerId: h.provider.id, model: 'fake-large' } });
    h.fake.setMode('hang');
    const first = await callHandler<{ streamId: string }>(h.backend, 'chat:send', { conversationId: a, text: COMPLEX });
    await vi.waitFor(() => expect(h.fake.chatRequests()).toHaveLength(1));
    const second = await ask(h, b, COMPLEX);
    expect((await stored(h, b, second.sent.assistantMessage.id)).route).toMatchObject({ target: 'local', rule: 'cost-cap' });
    expect(h.fake.chatRequests()).toHaveLength(1);
    await callHandler(h.backend, 'chat:stop', { streamId: first.streamId });
    await ended(h, first.streamId);
  });
});
