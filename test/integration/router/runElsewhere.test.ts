import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callHandler } from '../../helpers/backend';
import { tinyModel } from '../../helpers/fixtures';
import { ask, ended, type Harness, messagesOf, REPLY, remoteTarget, type Started, startHarness, stored } from './routerHarness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

const regenerate = async (messageId: string, target: unknown) => {
  const started = await callHandler<Started>(h.backend, 'chat:regenerate', { messageId, target });
  return { started, end: await ended(h, started.streamId) };
};

describe('run elsewhere: a sibling answer where the user says', () => {
  it('runs a local answer again on the remote model, and that one again here, each a branch with rule "user"', async () => {
    const first = await ask(h, null, 'hi');
    const c = first.sent.conversationId;
    expect(first.end.content).toMatch(/^the( the)*$/);
    expect(h.fake.requests).toEqual([]);

    const out = await regenerate(first.sent.assistantMessage.id, remoteTarget(h));
    expect(out.end).toMatchObject({ status: 'complete', content: REPLY });
    expect(h.fake.chatRequests()).toHaveLength(1);
    const remote = await stored(h, c, out.started.assistantMessage.id);
    expect(remote.route).toMatchObject({
      target: 'remote',
      providerName: 'Fake',
      model: 'fake-large',
      rule: 'user',
      reason: 'You asked for it to run on fake-large (Fake).',
    });
    expect(remote.route.costUsd).toBeGreaterThan(0);
    expect(remote.branch).toEqual({ index: 1, count: 2 });
    // The remote model was sent the conversation up to the question, not the answer it replaces.
    const body = h.fake.chatRequests()[0]!.body as { messages: { role: string; content: string }[] };
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1]!.content).toBe('hi');

    const back = await regenerate(remote.id, { kind: 'local', modelPath: h.model });
    expect(back.end.status).toBe('complete');
    expect(back.end.content).toMatch(/^the( the)*$/);
    const local = await stored(h, c, back.started.assistantMessage.id);
    expect(local).toMatchObject({ model: 'says-the.gguf', branch: { index: 2, count: 3 } });
    expect(local.route).toMatchObject({ target: 'local', providerId: null, rule: 'user', costUsd: 0 });
    expect(local.stats.gpu).not.toBeNull();
    expect(h.fake.chatRequests()).toHaveLength(1);
    expect((await messagesOf(h, c)).map((m) => m.id)).toEqual([first.sent.userMessage!.id, local.id]);
  });

  it('runs an answer on another local model, loading it through the scheduler', async () => {
    const fire = tinyModel(h.dir, 'says-fire.gguf', { favor: 'fire' });
    await callHandler(h.backend, 'models:add', { path: fire });
    await callHandler(h.backend, 'models:load', { path: h.model });
    const first = await ask(h, null, 'hi');
    const other = await regenerate(first.sent.assistantMessage.id, { kind: 'local', modelPath: fire });
    expect(other.end.content).toMatch(/^fire( fire)*$/);
    expect(other.started.assistantMessage.model).toBe('says-fire.gguf');
    // The picked model stays picked: the next message is answered by it again.
    expect(h.backend.settings.get().selectedModelPath).toBe(h.model);
    expect((await ask(h, first.sent.conversationId, 'and?')).end.content).toMatch(/^the( the)*$/);
  });

  it('continues a stopped answer on the local model that wrote it, not the picked one', async () => {
    const first = await ask(h, null, 'hi');
    const fire = tinyModel(h.dir, 'says-fire.gguf', { favor: 'fire' });
    await callHandler(h.backend, 'models:add', { path: fire });
    // No answer length: the answer would run to the context's edge, so it is surely still writing when stopped.
    await callHandler(h.backend, 'settings:update', { maxTokens: 0 });
    const started = await callHandler<Started>(h.backend, 'chat:regenerate', {
      messageId: first.sent.assistantMessage.id,
      target: { kind: 'local', modelPath: fire },
    });
    await vi.waitFor(() =>
      expect(h.seen.some((s) => s.event === 'chat:delta' && (s.payload as { streamId: string }).streamId === started.streamId)).toBe(true),
    );
    await callHandler(h.backend, 'chat:stop', { streamId: started.streamId });
    const stopped = await ended(h, started.streamId);
    expect(stopped.status).toBe('stopped');
    await callHandler(h.backend, 'settings:update', { maxTokens: 24 });
    const from = h.seen.length;
    const more = await callHandler<Started>(h.backend, 'chat:continue', { messageId: started.assistantMessage.id });
    const end = await ended(h, more.streamId, from);
    expect(end.status).toBe('complete');
    // Only the fire model's word (where the text was cut, the tiny model may write it without its space).
    expect(end.content.startsWith(stopped.content)).toBe(true);
    expect(end.content.replace(/fire/g, '').trim()).toBe('');
    expect(end.content.length).toBeGreaterThan(stopped.content.length);
    expect(h.backend.settings.get().selectedModelPath).toBe(h.model);
  });

  it('refuses to send a private chat or a chat with documents out, in words, and saves nothing', async () => {
    const first = await ask(h, null, 'hi');
    const c = first.sent.conversationId;
    const before = await messagesOf(h, c);
    await callHandler(h.backend, 'router:set', { conversationId: c, private: true });
    await expect(regenerate(first.sent.assistantMessage.id, remoteTarget(h))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'This chat is marked private, so it never leaves this machine.',
    });
    await callHandler(h.backend, 'router:set', { conversationId: c, private: false });
    const manuals = await callHandler<{ id: string }>(h.backend, 'collections:create', { name: 'Manuals' });
    await callHandler(h.backend, 'conversations:setCollections', { id: c, collectionIds: [manuals.id] });
    await expect(regenerate(first.sent.assistantMessage.id, remoteTarget(h))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Documents are attached, so it never leaves this machine.',
    });
    await expect(
      callHandler(h.backend, 'chat:compare', {
        messageId: first.sent.userMessage!.id,
        targets: [{ kind: 'local', modelPath: h.model }, remoteTarget(h)],
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await messagesOf(h, c)).toEqual(before);
    expect(h.fake.requests).toEqual([]);
    // A model that is not in the library is refused too, in words.
    await expect(regenerate(first.sent.assistantMessage.id, { kind: 'local', modelPath: '/nowhere/x.gguf' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
