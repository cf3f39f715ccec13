import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveTitle, watchTitles } from '../../../electron/chat/autoTitle';
import { ConversationsRepo } from '../../../electron/chat/conversationsRepo';
import { EMPTY_STATS, MessagesRepo } from '../../../electron/chat/messagesRepo';
import { openDatabase } from '../../../electron/db/open';
import { EventBus } from '../../../electron/lib/events';
import type { EventChannel } from '../../../shared/channels';

describe('deriveTitle', () => {
  it('keeps a short first message as it is', () => {
    expect(deriveTitle('Tell me about the hearth')).toBe('Tell me about the hearth');
    expect(deriveTitle('Say something')).toBe('Say something');
  });

  it('drops a greeting, and keeps one that is all there is', () => {
    expect(deriveTitle('Hi! How do I season a cast iron pan?')).toBe('How do I season a cast iron pan?');
    expect(deriveTitle('hey there, what is a good name for a cat')).toBe('What is a good name for a cat');
    expect(deriveTitle('Good morning — explain WAL mode in SQLite')).toBe('Explain WAL mode in SQLite');
    expect(deriveTitle('Hello there')).toBe('Hello there');
    expect(deriveTitle('hi')).toBe('Hi');
    expect(deriveTitle('Hiking boots for winter')).toBe('Hiking boots for winter');
  });

  it('cuts at the first sentence, skipping a first sentence too short to say much', () => {
    expect(deriveTitle('Explain FTS5 ranking. I have a million rows and it is slow.')).toBe('Explain FTS5 ranking');
    expect(deriveTitle('Quick question. Why does my sourdough not rise?')).toBe('Why does my sourdough not rise?');
  });

  it('cuts a long sentence at about 60 characters on a word boundary', () => {
    const t = deriveTitle(
      'I would like a detailed comparison of every wood stove sold in northern Europe between 1950 and 1990 with prices',
    )!;
    expect(t.length).toBeLessThanOrEqual(61);
    expect(t).toBe('I would like a detailed comparison of every wood stove sold…');
    expect(deriveTitle('x'.repeat(200))).toBe(`X${'x'.repeat(58)}…`);
  });

  it('reads Markdown as plain words, and falls back to the first line of code when there is nothing else', () => {
    expect(deriveTitle('## **Why** does `git rebase` [fail](https://x.test)?')).toBe('Why does git rebase fail?');
    expect(deriveTitle('```python\nprint("hi")\n```\nwhat does this print')).toBe('What does this print');
    expect(deriveTitle('```\nSELECT * FROM t\n```')).toBe('SELECT * FROM t');
    expect(deriveTitle('keep snake_case_names and 3 < 5 > 2')).toBe('Keep snake_case_names and 3 < 5 > 2');
    expect(deriveTitle('   \n  ')).toBeNull();
  });
});

describe('watchTitles', () => {
  let db: Database.Database;
  let repo: ConversationsRepo;
  let messages: MessagesRepo;
  let events: EventBus;
  let changed: EventChannel[];

  beforeEach(() => {
    ({ db } = openDatabase(':memory:'));
    repo = new ConversationsRepo(db);
    messages = new MessagesRepo(db);
    events = new EventBus();
    changed = [];
    events.subscribe((e) => changed.push(e));
    watchTitles({ events, conversations: repo });
  });
  afterEach(() => db.close());

  function chat(id: string, title: string, first: string): void {
    repo.insert({ id, title, createdAt: 1, updatedAt: 1 });
    messages.insert({
      id: `${id}-u`,
      conversationId: id,
      role: 'user',
      content: first,
      status: 'complete',
      error: null,
      model: null,
      createdAt: 1,
    });
  }
  const end = (conversationId: string): void =>
    events.emit('chat:end', {
      streamId: 's',
      conversationId,
      messageId: 'a',
      status: 'complete',
      error: null,
      content: 'noise',
      stats: EMPTY_STATS,
    } as never);

  it('titles a chat from its first message when its first answer ends, once, and says so', () => {
    chat('c', 'Hi! Why is my chimney smoking...', 'Hi! Why is my chimney smoking? It started last week.');
    end('c');
    expect(repo.get('c')!.title).toBe('Why is my chimney smoking?');
    expect(repo.titleStatus('c')).toBe('auto');
    expect(changed.filter((e) => e === 'conversations:changed')).toHaveLength(1);
    // Later answers leave the title alone.
    repo.touch('c', 2);
    end('c');
    expect(changed.filter((e) => e === 'conversations:changed')).toHaveLength(1);
  });

  it('never retitles a chat the user renamed, even while its first answer is still being written', () => {
    chat('c', 'placeholder', 'Hello, tell me about flues');
    repo.rename('c', 'My flue notes', 2);
    end('c');
    expect(repo.get('c')!.title).toBe('My flue notes');
    expect(repo.titleStatus('c')).toBe('user');
  });

  it('ignores the end of an answer in a chat that was deleted', () => {
    end('gone');
    expect(changed.filter((e) => e === 'conversations:changed')).toEqual([]);
  });
});
