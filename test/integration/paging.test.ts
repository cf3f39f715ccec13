import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/types';
import type { Backend } from '../../electron/api/backend';
import { MessagesRepo } from '../../electron/chat/messagesRepo';
import { callHandler, startBackend, type Seen } from '../helpers/backend';
import { tempDir } from '../helpers/fixtures';

/** `conversations:get` in pages: a long chat opens with its newest messages, and older ones load on demand. */
let dir: string;
let cleanup: () => void;
let backend: Backend;
const N = 1000;
type Page = { messages: Message[]; hasMore: boolean };

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  backend = startBackend(dir, [] as Seen);
  const db = new Database(join(dir, 'data', 'hearth.db'));
  db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('long', 'A long chat', 1, 1)").run();
  const repo = new MessagesRepo(db);
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      repo.insert({
        id: `m${i}`,
        conversationId: 'long',
        role: i % 2 ? 'assistant' : 'user',
        content: `message ${i}`,
        status: 'complete',
        error: null,
        model: null,
        createdAt: i,
      });
    }
  })();
  db.close();
});
afterAll(async () => {
  await backend.dispose(2000);
  cleanup();
});

const get = (input: object): Promise<Page> => callHandler<Page>(backend, 'conversations:get', { id: 'long', ...input });
const ids = (p: Page): string[] => p.messages.map((m) => m.id);

describe('a long conversation, in pages', () => {
  it('gives the newest page, oldest first, and says there is more', async () => {
    const p = await get({ limit: 100 });
    expect(ids(p)).toEqual(Array.from({ length: 100 }, (_, i) => `m${N - 100 + i}`));
    expect(p.hasMore).toBe(true);
  });

  it('gives the page before a message, down to the first, and then says there is no more', async () => {
    const p = await get({ limit: 100, before: 'm900' });
    expect(ids(p)[0]).toBe('m800');
    expect(ids(p).at(-1)).toBe('m899');
    const first = await get({ limit: 100, before: 'm50' });
    expect(ids(first)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(first.hasMore).toBe(false);
  });

  it('gives everything from a message on (a refetch that keeps what the reader scrolled back to)', async () => {
    const p = await get({ since: 'm990' });
    expect(ids(p)).toEqual(Array.from({ length: 10 }, (_, i) => `m${990 + i}`));
    expect(p.hasMore).toBe(true);
  });

  it('gives every message without paging options, and refuses a message that is not in the chat', async () => {
    expect((await get({})).messages).toHaveLength(N);
    await expect(get({ limit: 10, before: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
