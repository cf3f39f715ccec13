import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../../shared/rag';
import type { ChatBackend } from '../../../electron/chat/chatBackend';
import { routedAnswers } from '../../../electron/router/routedAnswers';
import { callHandler } from '../../helpers/backend';
import { type Harness, newChat, startHarness } from './routerHarness';

/**
 * The router decides where an answer runs before it is written; the remote backend it hands out checks privacy
 * again at the moment of sending. Between the two, another window may mark the chat private or attach collections
 * (and a compare's other side may be loading a model meanwhile): then nothing leaves the machine.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

const noLocal = {
  backend: { kind: 'local', generate: () => Promise.reject(new Error('not here')) } satisfies ChatBackend,
  resolveModel: async () => ({ name: 'x' }),
};

async function remoteRoute(conversationId: string) {
  await callHandler(h.backend, 'router:set', {
    conversationId,
    policy: 'remote',
    remote: { providerId: h.provider.id, model: 'fake-large' },
  });
  const router = routedAnswers({
    router: h.backend.router,
    providers: h.backend.providers,
    scheduler: h.backend.scheduler,
    library: h.backend.models,
    messages: { pathTo: () => [] },
    settings: h.backend.settings,
  });
  const routed = await router.pick({ conversationId, text: 'Tell me about my notes', after: null }, noLocal);
  expect(routed.route).toMatchObject({ target: 'remote', model: 'fake-large' });
  return routed;
}

const send = (backend: ChatBackend, conversationId: string) =>
  backend.generate(
    [{ role: 'user', content: 'Tell me about my notes' }],
    { maxTokens: 8 },
    {
      conversationId,
      signal: new AbortController().signal,
      onText: () => {},
    },
  );

describe('privacy is checked again when a remote answer is sent', () => {
  it('sends nothing when the chat was marked private after the decision', async () => {
    const c = await newChat(h);
    const routed = await remoteRoute(c);
    await callHandler(h.backend, 'router:set', { conversationId: c, private: true });
    await expect(send(routed.backend, c)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/private/) });
    expect(h.fake.chatRequests()).toHaveLength(0);
  });

  it('sends nothing when collections were attached after the decision', async () => {
    const c = await newChat(h);
    const routed = await remoteRoute(c);
    const col = await callHandler<Collection>(h.backend, 'collections:create', { name: 'Notes' });
    await callHandler(h.backend, 'conversations:setCollections', { id: c, collectionIds: [col.id] });
    await expect(send(routed.backend, c)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(h.fake.chatRequests()).toHaveLength(0);
  });

  it('sends when nothing changed (the check does not stand in the way of an allowed answer)', async () => {
    const c = await newChat(h);
    const routed = await remoteRoute(c);
    const r = await send(routed.backend, c);
    expect(r.text.length).toBeGreaterThan(0);
    expect(h.fake.chatRequests()).toHaveLength(1);
  });
});
