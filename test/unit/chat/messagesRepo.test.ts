import { describe, expect, it } from 'vitest';
import { BRANCH, EMPTY_STATS, MessagesRepo } from '../../../electron/chat/messagesRepo';
import { openDatabase } from '../../../electron/db/open';
import type { Message } from '../../../shared/types';

function setup() {
  const { db } = openDatabase(':memory:');
  db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'Chat', 1, 1)").run();
  const repo = new MessagesRepo(db);
  const add = (id: string, parentId: string | null | undefined, role: Message['role'] = 'user'): void =>
    repo.insert({ id, conversationId: 'c', parentId, role, content: id, status: 'complete', error: null, model: null, createdAt: 1 });
  const branch = (): string[] => repo.list('c').map((m) => m.id);
  return { db, repo, add, branch };
}

describe('the message tree', () => {
  it('appends to the current branch when no parent is given, and a sibling becomes the current branch', () => {
    const { repo, add, branch } = setup();
    add('u1', undefined);
    add('a1', undefined, 'assistant');
    add('u2', undefined);
    add('a2', undefined, 'assistant');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2']);
    add('a2b', 'u2', 'assistant');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2b']);
    expect(repo.list('c').at(-1)).toMatchObject({ parentId: 'u2', branch: { index: 1, count: 2 } });
    expect(repo.get('a2')).toMatchObject({ branch: { index: 0, count: 2 } });
  });

  it('steps between siblings, and each subtree keeps its own current child', () => {
    const { repo, add, branch } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    add('u2', 'a1');
    add('a2', 'u2', 'assistant');
    add('a2b', 'u2', 'assistant');
    add('u1b', null); // an edit of the first message: a second root
    add('a1b', 'u1b', 'assistant');
    expect(branch()).toEqual(['u1b', 'a1b']);
    expect(repo.switchBranch('u1b', 'previous')).toBe('u1');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2b']);
    expect(repo.switchBranch('a2b', 'previous')).toBe('a2');
    expect(repo.switchBranch('a2', 'previous')).toBe('a2');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2']);
    repo.switchBranch('u1', 'next');
    repo.switchBranch('u1b', 'previous');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(repo.leafId('c')).toBe('a2');
    expect(repo.pathTo('a2b').map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2b']);
  });

  it('deletes a subtree, and the sibling written last takes the deleted one’s place', () => {
    const { repo, add, branch, db } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    add('u2', 'a1');
    add('a2', 'u2', 'assistant');
    add('a1b', 'u1', 'assistant');
    add('u2b', 'a1b');
    repo.switchBranch('a1b', 'previous');
    expect(branch()).toEqual(['u1', 'a1', 'u2', 'a2']);
    repo.delete('a1');
    expect(branch()).toEqual(['u1', 'a1b', 'u2b']);
    expect(db.prepare('SELECT id FROM messages ORDER BY seq').all()).toEqual([{ id: 'u1' }, { id: 'a1b' }, { id: 'u2b' }]);
    expect(repo.get('a1b')).toMatchObject({ branch: { index: 0, count: 1 } });
    repo.delete('u1');
    expect(branch()).toEqual([]);
    expect(repo.leafId('c')).toBeNull();
  });

  it('walks the current branch by index at every step, never scanning the conversation (12 s for 10,000 messages when it did)', () => {
    const { db } = setup();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${BRANCH} SELECT id FROM branch`).all({ c: 'c' }) as { detail: string }[]).map(
      (p) => p.detail,
    );
    expect(plan.join(' | ')).toMatch(/SEARCH m USING (COVERING )?INDEX messages_children/);
    expect(plan.join(' | ')).toMatch(/SEARCH messages USING (COVERING )?INDEX messages_by_parent/);
    expect(plan.some((d) => /^SCAN (m|messages)\b/.test(d))).toBe(false);
  });

  it('reopens a stopped answer to be written further, and finishes it again', () => {
    const { repo, add } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    repo.finish('a1', 'stopped', { content: 'part', error: 'x', thoughts: '', thoughtMs: null, stats: EMPTY_STATS });
    repo.reopen('a1');
    expect(repo.get('a1')).toMatchObject({ status: 'streaming', error: null, content: 'part' });
    expect(repo.hasChildren('u1')).toBe(true);
    expect(repo.hasChildren('a1')).toBe(false);
  });
});

describe("an answer's citations", () => {
  const cited = {
    n: 1,
    documentId: 'd1',
    collectionId: 'col',
    path: '/docs/kiln.pdf',
    fileName: 'kiln.pdf',
    page: 2,
    heading: null,
    snippet: 'the kiln reaches 1,280 degrees',
    charStart: 24,
    charEnd: 65,
  };

  it('stores the passages an answer cites, numbered, and returns them with the message wherever it is read', () => {
    const { repo, add } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    repo.setCitations('a1', [cited, { ...cited, n: 2, page: null, heading: 'Firing > Cones' }]);
    repo.finish('a1', 'complete', { content: 'Hot [1].', error: null, thoughts: '', thoughtMs: null, stats: EMPTY_STATS });
    const expected = [cited, { ...cited, n: 2, page: null, heading: 'Firing > Cones' }];
    expect(repo.get('a1')!.citations).toEqual(expected);
    expect(repo.list('c').at(-1)!.citations).toEqual(expected);
    expect(repo.listSome(['a1'])[0]!.citations).toEqual(expected);
    expect(repo.pathTo('a1').at(-1)!.citations).toEqual(expected);
  });

  it('tells an answer that searched and found nothing ([]) from one that did not search (no citations at all)', () => {
    const { repo, add } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    add('a2', 'u1', 'assistant');
    repo.setCitations('a1', []);
    expect(repo.get('a1')!.citations).toEqual([]);
    expect(repo.get('a2')).not.toHaveProperty('citations');
    repo.setCitations('a1', null);
    expect(repo.get('a1')).not.toHaveProperty('citations');
  });

  it('reads a damaged citations value as none rather than failing the whole conversation', () => {
    const { db, repo, add } = setup();
    add('u1', null);
    add('a1', 'u1', 'assistant');
    db.prepare(`UPDATE messages SET citations = '[{"n": "one"}]' WHERE id = 'a1'`).run();
    expect(repo.get('a1')).not.toHaveProperty('citations');
    expect(repo.list('c').map((m) => m.id)).toEqual(['u1', 'a1']);
  });
});
