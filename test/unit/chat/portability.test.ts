import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationsRepo } from '../../../electron/chat/conversationsRepo';
import { ConversationsService } from '../../../electron/chat/conversationsService';
import { EMPTY_STATS, MessagesRepo } from '../../../electron/chat/messagesRepo';
import { LIMITS } from '../../../electron/chat/portability/limits';
import { SearchRepo } from '../../../electron/chat/searchRepo';
import { openDatabase } from '../../../electron/db/open';
import { EventBus } from '../../../electron/lib/events';
import { MAX_FRAME_BYTES } from '../../../electron/headless/wsTransport';
import { IMPORT_PART_CHARS } from '../../../shared/contract';
import { CHATGPT_T0_MS, chatgptExport, EXPECTED, EXPECTED_SKIPPED, FIZZBUZZ } from '../../helpers/chatgptExport';

interface Hearth {
  db: Database.Database;
  service: ConversationsService;
  messages: MessagesRepo;
  events: string[];
}

const open: Database.Database[] = [];
function hearth(): Hearth {
  const { db } = openDatabase(':memory:');
  open.push(db);
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e) => events.push(e));
  const messages = new MessagesRepo(db);
  const service = new ConversationsService({
    conversations: new ConversationsRepo(db),
    messages,
    search: new SearchRepo(db),
    events: bus,
    stopAnswersIn: async () => undefined,
    transaction: (fn) => db.transaction(fn)(),
    now: () => Date.UTC(2026, 0, 2),
  });
  return { db, service, messages, events };
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** Every conversation, oldest first, as [title, [role, text][]]. */
const contents = (x: Hearth) =>
  (
    JSON.parse(x.service.export(null, 'json').content).conversations as { title: string; messages: { role: string; content: string }[] }[]
  ).map((c) => ({ title: c.title, messages: c.messages.map((m) => [m.role, m.content]) }));
const rows = (x: Hearth) => x.db.prepare('SELECT (SELECT count(*) FROM conversations) AS c, (SELECT count(*) FROM messages) AS m').get();

let h: Hearth;
beforeEach(() => {
  h = hearth();
});

describe('import of a ChatGPT conversations.json', () => {
  it('imports the branch the user last saw, then every other branch as its own chat, leaving tool traffic out', () => {
    const result = h.service.importText(JSON.stringify(chatgptExport()));
    expect(result).toEqual({ format: 'chatgpt', conversations: 4, branches: 2, messages: 10, skipped: EXPECTED_SKIPPED });
    expect(contents(h)).toEqual(EXPECTED);
    const firewood = h.service.list().find((c) => c.title === 'Firewood questions')!;
    const full = h.service.get(firewood.id);
    expect(full.createdAt).toBe(CHATGPT_T0_MS);
    expect(full.messages.map((m) => m.createdAt)).toEqual([1, 3, 6, 7].map((s) => CHATGPT_T0_MS + s * 1000));
    expect(full.messages[1]).toMatchObject({ model: 'gpt-4o', status: 'complete' });
    expect(h.events).toEqual(['conversations:changed']);
    // Imported titles are the user's: never replaced by a derived one.
    expect(h.db.prepare("SELECT count(*) AS n FROM conversations WHERE title_status <> 'user'").get()).toEqual({ n: 0 });
    // And it is all searchable.
    expect(h.service.search('seasoning ')).toEqual([]);
    expect(h.service.search('softwood ').map((s) => s.title)).toEqual(['Firewood questions']);
  });
});

describe('export', () => {
  it('writes one conversation as Markdown: a heading per message, code blocks verbatim', () => {
    h.service.importText(JSON.stringify(chatgptExport()));
    const fizz = h.service.list().find((c) => c.title === 'FizzBuzz')!;
    const md = h.service.export(fizz.id, 'markdown');
    expect(md.fileName).toBe('fizzbuzz.md');
    expect(md.mimeType).toBe('text/markdown');
    expect(md.content).toBe(`# FizzBuzz\n\n## You\n\nShow me FizzBuzz in Python\n\n## Assistant\n\n${FIZZBUZZ}\n`);
  });

  it('closes a code block an answer left open, and says when an answer stopped or failed', () => {
    const c = h.service.create('Stopped');
    const base = { conversationId: c.id, error: null, model: 'tiny.gguf', createdAt: 1 };
    h.messages.insert({ ...base, id: 'u', role: 'user', content: 'Write code', status: 'complete', model: null });
    h.messages.insert({ ...base, id: 'a', role: 'assistant', content: '```js\nconst x = 1;', status: 'complete' });
    h.messages.finish('a', 'stopped', { content: '```js\nconst x = 1;', error: null, stats: EMPTY_STATS, thoughts: '', thoughtMs: null });
    h.messages.insert({ ...base, id: 'f', role: 'assistant', content: 'half', status: 'complete' });
    h.messages.finish('f', 'failed', { content: 'half', error: 'The engine stopped.', stats: EMPTY_STATS, thoughts: '', thoughtMs: null });
    expect(h.service.export(c.id, 'markdown').content).toBe(
      '# Stopped\n\n## You\n\nWrite code\n\n## Assistant (tiny.gguf)\n\n```js\nconst x = 1;\n```\n\n_Stopped._\n\n## Assistant (tiny.gguf)\n\nhalf\n\n_Failed: The engine stopped._\n',
    );
  });

  it('round trip: export, import into another Hearth, export again gives the same file', () => {
    h.service.importText(JSON.stringify(chatgptExport()));
    const c = h.service.create('Pinned notes');
    h.messages.insert({
      id: 'x',
      conversationId: c.id,
      role: 'user',
      content: 'a\n\n```\n  code  \n```\n',
      status: 'complete',
      error: null,
      model: null,
      createdAt: 5,
    });
    h.messages.insert({
      id: 'y',
      conversationId: c.id,
      role: 'assistant',
      content: 'answer',
      status: 'complete',
      error: null,
      model: 'm',
      createdAt: 6,
      thoughts: 'hmm',
      thoughtMs: 40,
    });
    h.messages.finish('y', 'complete', {
      content: 'answer',
      error: null,
      stats: { ...EMPTY_STATS, promptTokens: 12, completionTokens: 3, gpu: 'cpu' },
      thoughts: 'hmm',
      thoughtMs: 40,
    });
    h.service.pin(c.id, true);
    const first = h.service.export(null, 'json');
    expect(first.fileName).toBe('hearth-chats-2026-01-02.json');

    const other = hearth();
    expect(other.service.importText(first.content)).toMatchObject({
      format: 'hearth',
      conversations: 5,
      branches: 0,
      messages: 12,
      skipped: 0,
    });
    const second = other.service.export(null, 'json');
    expect(second.content).toBe(first.content);
    expect(other.service.list()[0]).toMatchObject({ title: 'Pinned notes', pinned: true });
    const oneMd = (x: Hearth) => x.service.export(x.service.list().find((k) => k.title === 'FizzBuzz')!.id, 'markdown').content;
    expect(oneMd(other)).toBe(oneMd(h));
  });
});

describe('a malformed or hostile import gets a clear error and changes nothing', () => {
  const expectRefused = (text: string, message: RegExp): void => {
    h.service.create('Already here');
    const before = rows(h);
    h.events.length = 0;
    expect(() => h.service.importText(text)).toThrow(message);
    try {
      h.service.importText(text);
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/Nothing was imported\.$/) });
    }
    expect(rows(h)).toEqual(before);
    expect(h.events).toEqual([]);
  };
  const hearthFile = (conversations: unknown[], version = 1) =>
    JSON.stringify({ format: 'hearth.conversations', version, exportedAt: 1, conversations });

  it('not JSON', () => expectRefused('{"format": "hearth.conversations", ', /not JSON/));
  it('JSON of another kind', () => expectRefused('{"hello": "world"}', /neither a Hearth export nor ChatGPT/));
  it('an empty list', () => expectRefused('[]', /no conversations/));
  it('a newer Hearth format', () => expectRefused(hearthFile([], 2), /newer Hearth \(format version 2\)/));
  it('a Hearth file with a role it does not know', () =>
    expectRefused(
      hearthFile([{ title: 't', createdAt: 1, updatedAt: 1, messages: [{ role: 'wizard', content: 'x', createdAt: 1 }] }]),
      /damaged at conversations\.0\.messages\.0\.role/,
    ));
  it('a ChatGPT file whose nodes are not nodes', () =>
    expectRefused(JSON.stringify([{ title: 't', mapping: { a: { children: 'b' } } }]), /conversations\.json at 0\.mapping\.a\.children/));
  it('nesting meant to exhaust the parser', () => expectRefused(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, /nests deeper than 64/));
  it('a file over the size limit', () => expectRefused(`"${'x'.repeat(LIMITS.bytes)}"`, /larger than 50 MB/));

  it('more messages than the limit, counting every branch in full', () => {
    // A trunk of 1,000 messages with 120 answers at its end: 120 branches of 1,001 messages each.
    const mapping: Record<string, unknown> = {};
    let parent: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const id = `t${i}`;
      mapping[id] = { message: { author: { role: 'user' }, content: { content_type: 'text', parts: [`m${i}`] } }, parent, children: [] };
      parent = id;
    }
    for (let i = 0; i < 120; i++) {
      mapping[`leaf${i}`] = {
        message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: [`a${i}`] } },
        parent,
        children: [],
      };
    }
    expectRefused(JSON.stringify([{ title: 'Wide', mapping, current_node: 'leaf0' }]), /more than 100,000 messages/);
  });

  it('a conversation whose messages loop back on themselves', () =>
    expectRefused(
      JSON.stringify([
        {
          title: 'Loop',
          current_node: 'a',
          mapping: {
            a: { message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['a'] } }, parent: 'b', children: ['b'] },
            b: {
              message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['b'] } },
              parent: 'a',
              children: ['a'],
            },
          },
        },
      ]),
      /loop back on themselves/,
    ));

  it('writes nothing when the database refuses one message half way (one transaction)', () => {
    h.db.exec(
      "CREATE TRIGGER refuse AFTER INSERT ON messages WHEN NEW.content = 'Stack it off the ground.' BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    const before = rows(h);
    expect(() => h.service.importText(JSON.stringify(chatgptExport()))).toThrow(/disk full/);
    expect(rows(h)).toEqual(before);
    expect(h.events).toEqual([]);
  });

  it('reads __proto__ keys as plain data, and pollutes nothing', () => {
    const file = `[{"title":"Proto","current_node":"__proto__","mapping":{"__proto__":{"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["polluted?"]}},"parent":null,"children":[]},"ok":{"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["fine"]}},"parent":null,"children":[]}},"__proto__":{"polluted":true}}]`;
    h.service.importText(file);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(contents(h)).toEqual([{ title: 'Proto', messages: [['user', 'fine']] }]);
  });
});

describe('import in parts', () => {
  it('sends parts that always fit in one socket frame, whatever characters they hold', () => {
    const worst = JSON.stringify({
      id: 2 ** 53 - 1,
      channel: 'conversations:importPart',
      input: { uploadId: 'u'.repeat(100), index: 10_000, text: '\u0001'.repeat(IMPORT_PART_CHARS) },
    });
    expect(Buffer.byteLength(worst)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it('puts the parts back together, surrogate pairs split between parts included', () => {
    const text = JSON.stringify(chatgptExport()).replace('Python', 'Python 🐍');
    const cut = text.indexOf('🐍') + 1; // between the two halves of the pair
    h.service.importPart('up1', 0, text.slice(0, cut));
    expect(h.service.importPart('up1', 1, text.slice(cut)).receivedBytes).toBeGreaterThan(text.length);
    expect(h.service.import('up1').conversations).toBe(4);
    expect(contents(h).at(-1)!.messages[0]).toEqual(['user', 'Show me FizzBuzz in Python 🐍']);
    expect(() => h.service.import('up1')).toThrow(/not started or has expired/);
  });

  it('refuses parts out of order, and a file that grows past the limit as soon as it does', () => {
    h.service.importPart('up', 0, 'a');
    expect(() => h.service.importPart('up', 2, 'b')).toThrow(/out of order/);
    expect(() => h.service.importPart('up', 1, 'b')).toThrow(/not started/);
    const big = 'x'.repeat(200_000);
    let i = 0;
    expect(() => {
      for (; i < 300; i++) h.service.importPart('big', i, big);
    }).toThrow(/larger than 50 MB/);
    expect(i).toBe(Math.floor(LIMITS.bytes / 200_000));
    expect(() => h.service.import('big')).toThrow(/not started/);
  });
});
