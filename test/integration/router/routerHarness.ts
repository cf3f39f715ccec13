import { join } from 'node:path';
import type { MessageRoute, Provider, RouteLog } from '../../../shared/api';
import type { ChatEnd } from '../../../shared/contract';
import type { ConversationWithMessages, Message } from '../../../shared/types';
import type { Backend } from '../../../electron/api/backend';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { type FakeProvider, startFakeProvider } from '../../helpers/fakeProvider';
import { tempDir, tinyModel } from '../../helpers/fixtures';

/** What the router tests share: a backend on the tiny model, and a fake remote provider that counts requests. */
export interface Harness {
  dir: string;
  backend: Backend;
  seen: Seen;
  /** The tiny model that says " the the the". */
  model: string;
  fake: FakeProvider;
  provider: Provider;
  dispose(): Promise<void>;
}

export const REPLY = 'Hello from far away, where the frontier models live.';
/** A message auto routing sends out at the default threshold: a code block and several steps. */
export const COMPLEX = 'Explain step by step why this throws:\n```ts\nconst x = items.map((i) => i.id);\n```';
/** US dollars per million tokens, high so that a few tokens cost something visible. */
export const PRICE = 1000;

export async function startHarness(): Promise<Harness> {
  const { dir, cleanup } = tempDir();
  const seen: Seen = [];
  const model = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  const backend = startBackend(dir, seen);
  const fake = await startFakeProvider({ models: ['fake-large'], reply: REPLY });
  await callHandler(backend, 'models:add', { path: model });
  await callHandler(backend, 'settings:update', { maxTokens: 24, temperature: 0, systemPrompt: 'Be brief.', contextSize: 2048 });
  const provider = await callHandler<Provider>(backend, 'providers:save', {
    name: 'Fake',
    baseUrl: fake.baseUrl,
    key: 'sk-fake-key',
    enabled: true,
    models: [{ id: 'fake-large', inputPerMTok: PRICE, outputPerMTok: PRICE }],
  });
  return {
    dir,
    backend,
    seen,
    model,
    fake,
    provider,
    dispose: async () => {
      await backend.dispose(2000);
      await fake.close();
      cleanup();
    },
  };
}

export const dbPath = (h: Harness): string => join(h.dir, 'data', 'hearth.db');

export const remoteTarget = (h: Harness) => ({ kind: 'remote' as const, providerId: h.provider.id, model: 'fake-large' });

/**
 * The answer's `chat:end`, once it comes (the test's own timeout bounds the wait). `from`: events before this index
 * are not looked at (a continued answer keeps its stream id, so its first end is already there).
 */
export function ended(h: Harness, streamId: string, from = 0): Promise<ChatEnd> {
  return new Promise((resolve) => {
    const poll = (): void => {
      const e = h.seen.slice(from).find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === streamId);
      if (e) resolve(e.payload as ChatEnd);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

export interface Started {
  conversationId: string;
  userMessage?: Message;
  assistantMessage: Message;
  streamId: string;
}

/** Sends a message and waits for its answer to end. */
export async function ask(h: Harness, conversationId: string | null, text: string): Promise<{ sent: Started; end: ChatEnd }> {
  const sent = await callHandler<Started>(h.backend, 'chat:send', { conversationId, text });
  return { sent, end: await ended(h, sent.streamId) };
}

export const newChat = async (h: Harness): Promise<string> => (await callHandler<{ id: string }>(h.backend, 'conversations:create')).id;

export const messagesOf = async (h: Harness, id: string): Promise<Message[]> =>
  (await callHandler<ConversationWithMessages>(h.backend, 'conversations:get', { id })).messages;

/** A message as `conversations:get` reads it back from the database. */
export async function stored(h: Harness, conversationId: string, messageId: string): Promise<Message & { route: MessageRoute }> {
  const m = (await messagesOf(h, conversationId)).find((x) => x.id === messageId);
  if (!m?.route) throw new Error(`message ${messageId} is not on the current branch with a route`);
  return { ...m, route: m.route };
}

export const routeLog = (h: Harness): Promise<RouteLog> => callHandler<RouteLog>(h.backend, 'router:log', {});
