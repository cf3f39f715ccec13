import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/db/open';
import { ConversationCollectionsRepo } from '../../../../electron/rag/ask/conversationCollectionsRepo';
import { seedCollection } from './seedDocuments';

function setup() {
  const { db } = openDatabase(':memory:');
  db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'Chat', 1, 1), ('d', 'Other', 1, 1)").run();
  seedCollection(db, { id: 'b', name: 'beta', documents: [] });
  seedCollection(db, { id: 'a', name: 'Alpha', documents: [] });
  return { db, repo: new ConversationCollectionsRepo(db) };
}

describe("a conversation's collections", () => {
  it('replaces the set, lists it by name, and keeps each conversation to its own', () => {
    const { repo } = setup();
    expect(repo.list('c')).toEqual([]);
    expect(repo.set('c', ['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(repo.set('d', ['b'])).toEqual(['b']);
    expect(repo.set('c', ['b'])).toEqual(['b']);
    expect(repo.set('c', [])).toEqual([]);
    expect(repo.list('d')).toEqual(['b']);
  });

  it('refuses a collection that does not exist and changes nothing', () => {
    const { repo } = setup();
    repo.set('c', ['a']);
    expect(() => repo.set('c', ['b', 'nope'])).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/does not exist/) }),
    );
    expect(() => repo.set('c', ['x', 'y'])).toThrow(/2 of those collections do not exist/);
    expect(repo.list('c')).toEqual(['a']);
  });

  it('refuses a conversation that does not exist', () => {
    const { repo } = setup();
    expect(() => repo.set('nope', ['a'])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('forgets a deleted collection, and a deleted conversation forgets its collections', () => {
    const { db, repo } = setup();
    repo.set('c', ['a', 'b']);
    db.prepare("DELETE FROM collections WHERE id = 'a'").run();
    expect(repo.list('c')).toEqual(['b']);
    db.prepare("DELETE FROM conversations WHERE id = 'c'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversation_collections').get()).toEqual({ n: 0 });
  });
});
