import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEnd } from '../../../shared/contract';
import type { Message } from '../../../shared/types';
import { callHandler } from '../../helpers/backend';
import { tinyModel } from '../../helpers/fixtures';
import { ask, ended, type Harness, messagesOf, REPLY, remoteTarget, startHarness, stored } from './routerHarness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

interface Compared {
  conversationId: string;
  answers: [{ assistantMessage: Message; streamId: string }, { assistantMessage: Message; streamId: string }];
}

const compare = (messageId: string, targets: unknown[]) => callHandler<Compared>(h.backend, 'chat:compare', { messageId, targets });

describe('compare: one message answered by two models, side by side; keep the better one', () => {
  it('answers here and on the remote model as two sibling answers, each with its route, stats and cost, then keeps one', async () => {
    const first = await ask(h, null, 'Tell me about fire');
    const c = first.sent.conversationId;
    const question = first.sent.userMessage!;
    const started = await compare(question.id, [{ kind: 'local', modelPath: h.model }, remoteTarget(h)]);
    expect(started.conversationId).toBe(c);
    const [local, remote] = started.answers;
    // Keeping is refused while either answer is being written.
    await expect(callHandler(h.backend, 'chat:keep', { messageId: remote.assistantMessage.id })).rejects.toMatchObject({ code: 'BUSY' });
    await expect(callHandler(h.backend, 'chat:send', { conversationId: c, text: 'more' })).rejects.toMatchObject({ code: 'BUSY' });
    const ends: ChatEnd[] = await Promise.all([ended(h, local.streamId), ended(h, remote.streamId)]);
    expect(ends.map((e) => e.status)).toEqual(['complete', 'complete']);
    expect(ends[0]!.content).toMatch(/^the( the)*$/);
    expect(ends[1]!.content).toBe(REPLY);

    const here = (await callHandler<{ messages: Message[] }>(h.backend, 'conversations:get', { id: c })).messages;
    expect(here.at(-1)!.branch).toEqual({ index: 2, count: 3 });
    const kept = await stored(h, c, remote.assistantMessage.id);
    expect(kept.parentId).toBe(question.id);
    expect(kept.route).toMatchObject({ target: 'remote', rule: 'user', model: 'fake-large' });
    expect(kept.route.costUsd).toBeGreaterThan(0);
    expect(kept.stats.completionTokens).toBe(REPLY.split(' ').length);
    expect(kept.stats.durationMs).not.toBeNull();
    await callHandler(h.backend, 'messages:switchBranch', { messageId: kept.id, direction: 'previous' });
    const mine = await stored(h, c, local.assistantMessage.id);
    expect(mine.route).toMatchObject({ target: 'local', rule: 'user', model: 'says-the.gguf', costUsd: 0 });
    expect(mine.stats.completionTokens).toBe(24);

    await callHandler(h.backend, 'chat:keep', { messageId: kept.id });
    const after = await messagesOf(h, c);
    expect(after.map((m) => m.id)).toEqual([question.id, kept.id]);
    expect(after[1]!.branch).toEqual({ index: 0, count: 1 });
    // The answers not kept are gone; what they cost stays in the month's log.
    await expect(callHandler(h.backend, 'chat:keep', { messageId: mine.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callHandler(h.backend, 'chat:keep', { messageId: first.sent.assistantMessage.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const log = await callHandler<{ entries: { messageId: string }[] }>(h.backend, 'router:log', {});
    expect(log.entries.map((e) => e.messageId)).toEqual(expect.arrayContaining([mine.id, kept.id]));
    // The conversation goes on from the kept answer.
    const next = await ask(h, c, 'and then?');
    expect(next.sent.userMessage!.parentId).toBe(kept.id);
  });

  it('runs two local models one after the other through the switch policy: neither fails over the chat slot', async () => {
    const fire = tinyModel(h.dir, 'says-fire.gguf', { favor: 'fire' });
    await callHandler(h.backend, 'models:add', { path: fire });
    await callHandler(h.backend, 'models:load', { path: h.model });
    const first = await ask(h, null, 'hi');
    const c = first.sent.conversationId;
    const started = await compare(first.sent.userMessage!.id, [
      { kind: 'local', modelPath: h.model },
      { kind: 'local', modelPath: fire },
    ]);
    const [a, b] = started.answers;
    expect([a.assistantMessage.model, b.assistantMessage.model]).toEqual(['says-the.gguf', 'says-fire.gguf']);
    const [endA, endB] = await Promise.all([ended(h, a.streamId), ended(h, b.streamId)]);
    expect([endA.status, endA.error, endB.status, endB.error]).toEqual(['complete', null, 'complete', null]);
    expect(endA.content).toMatch(/^the( the)*$/);
    expect(endB.content).toMatch(/^fire( fire)*$/);
    expect([endA.stats.completionTokens, endB.stats.completionTokens]).toEqual([24, 24]);
    expect(h.fake.requests).toEqual([]);

    await callHandler(h.backend, 'chat:keep', { messageId: a.assistantMessage.id });
    expect((await messagesOf(h, c)).map((m) => m.id)).toEqual([first.sent.userMessage!.id, a.assistantMessage.id]);
    // The picked model answers the next message again, switched back in by the scheduler.
    expect((await ask(h, c, 'more')).end.content).toMatch(/^the( the)*$/);
  });

  it('refuses to compare answers to an answer, and to keep a question', async () => {
    const first = await ask(h, null, 'hi');
    await expect(compare(first.sent.assistantMessage.id, [{ kind: 'local', modelPath: h.model }, remoteTarget(h)])).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(callHandler(h.backend, 'chat:keep', { messageId: first.sent.userMessage!.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(h.fake.requests).toEqual([]);
  });

  it('keeping a compared answer early in a chat keeps the rest of the chat, as a version of the reply', async () => {
    const first = await ask(h, null, 'Tell me about fire');
    const c = first.sent.conversationId;
    const later = await ask(h, c, 'and then?');
    const started = await compare(first.sent.userMessage!.id, [{ kind: 'local', modelPath: h.model }, remoteTarget(h)]);
    const [local, remote] = started.answers;
    await Promise.all([ended(h, local.streamId), ended(h, remote.streamId)]);

    await callHandler(h.backend, 'chat:keep', { messageId: remote.assistantMessage.id });
    // The other compared answer (no replies) goes; the first answer, which the chat went on from, stays a version.
    await expect(callHandler(h.backend, 'chat:keep', { messageId: local.assistantMessage.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const kept = await messagesOf(h, c);
    expect(kept.map((m) => m.id)).toEqual([first.sent.userMessage!.id, remote.assistantMessage.id]);
    expect(kept[1]!.branch).toEqual({ index: 1, count: 2 });
    await callHandler(h.backend, 'messages:switchBranch', { messageId: remote.assistantMessage.id, direction: 'previous' });
    expect((await messagesOf(h, c)).map((m) => m.id)).toEqual([
      first.sent.userMessage!.id,
      first.sent.assistantMessage.id,
      later.sent.userMessage!.id,
      later.sent.assistantMessage.id,
    ]);
  });
});
