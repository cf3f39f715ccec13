import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../../electron/api/backend';
import type { Collection, CollectionDocument } from '../../../shared/rag';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { tempDir } from '../../helpers/fixtures';

/** Watched folders, keyword-only: new, changed and deleted files are indexed by themselves, and only they are. */
let dir: string;
let folder: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;

const call = <T = unknown>(channel: string, input?: unknown): Promise<T> => callHandler<T>(backend, channel, input);
const docs = (id: string): Promise<CollectionDocument[]> => call<CollectionDocument[]>('collections:documents', { id });
const named = async (id: string): Promise<Record<string, CollectionDocument>> =>
  Object.fromEntries((await docs(id)).map((d) => [d.fileName, d]));

/**
 * A document's chunks as "id:text". The text is what shows a re-read: SQLite may give a new chunk the rowid of
 * the one just deleted (the ids are not AUTOINCREMENT), so ids alone cannot.
 */
function chunkIds(documentId: string): string[] {
  const db = new Database(join(dir, 'data', 'hearth.db'), { readonly: true });
  try {
    return db
      .prepare<[string], { id: number; text: string }>('SELECT id, text FROM chunks WHERE document_id = ? ORDER BY ord')
      .all(documentId)
      .map((r) => `${r.id}:${r.text}`);
  } finally {
    db.close();
  }
}

/** Polls until `check` passes: a watcher's batch arrives after its quiet spell, within seconds. */
const eventually = <T>(check: () => Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 15_000, interval: 50 });

async function indexedFolder(watch: boolean): Promise<Collection> {
  const c = await call<Collection>('collections:create', { name: 'Watched' });
  await call('collections:addSource', { id: c.id, path: folder, watch });
  await eventually(async () => {
    const list = await docs(c.id);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((d) => d.status === 'indexed')).toBe(true);
  });
  return c;
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  folder = join(dir, 'watched');
  mkdirSync(folder);
  writeFileSync(join(folder, 'one.md'), '# One\n\nThe Harrowgate ferry runs at dawn.\n');
  writeFileSync(join(folder, 'two.md'), '# Two\n\nThe Pellinore bakery sells rye.\n');
  seen = [];
  backend = startBackend(dir, seen, {});
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('a watched folder', () => {
  it('indexes a new file by itself, within seconds', async () => {
    const c = await indexedFolder(true);
    mkdirSync(join(folder, 'later'));
    writeFileSync(join(folder, 'later', 'three.md'), 'The Corvina lighthouse was painted red in 1932.\n');
    await eventually(async () => expect((await named(c.id))['three.md']).toMatchObject({ status: 'indexed' }));
    expect((await call<{ fileName: string }[]>('collections:search', { ids: [c.id], query: 'Corvina' })).map((p) => p.fileName)).toEqual([
      'three.md',
    ]);
  });

  it('re-indexes only the file that changed, and not one rewritten with the same bytes', async () => {
    const c = await indexedFolder(true);
    const before = await named(c.id);
    const oneChunks = chunkIds(before['one.md']!.id);
    const twoChunks = chunkIds(before['two.md']!.id);
    // two.md is written again with the same bytes (a new modification time, the same content hash).
    writeFileSync(join(folder, 'two.md'), '# Two\n\nThe Pellinore bakery sells rye.\n');
    writeFileSync(join(folder, 'one.md'), '# One\n\nThe Harrowgate ferry now runs at noon.\n');
    await eventually(async () => expect(chunkIds(before['one.md']!.id).join('\n')).toContain('now runs at noon'));
    expect(oneChunks.join('\n')).toContain('runs at dawn');
    await eventually(async () => expect(Object.values(await named(c.id)).every((d) => d.status === 'indexed')).toBe(true));
    const after = await named(c.id);
    expect(chunkIds(after['two.md']!.id)).toEqual(twoChunks);
    expect(after['two.md']!.updatedAt).toBe(before['two.md']!.updatedAt);
    expect((await call<{ fileName: string }[]>('collections:search', { ids: [c.id], query: 'noon' })).map((p) => p.fileName)).toEqual([
      'one.md',
    ]);
  });

  it('forgets a deleted file and its chunks', async () => {
    const c = await indexedFolder(true);
    const two = (await named(c.id))['two.md']!;
    rmSync(join(folder, 'two.md'));
    await eventually(async () => expect(Object.keys(await named(c.id))).toEqual(['one.md']));
    expect(chunkIds(two.id)).toEqual([]);
    expect(await call('collections:search', { ids: [c.id], query: 'Pellinore' })).toEqual([]);
    expect(seen.some((s) => s.event === 'collections:changed')).toBe(true);
  });

  it('lists a FIFO that appears as skipped without opening it, and ignores hidden files', async () => {
    const c = await indexedFolder(true);
    execFileSync('mkfifo', [join(folder, 'pipe.md')]);
    writeFileSync(join(folder, '.draft.md'), 'hidden draft');
    writeFileSync(join(folder, 'four.md'), 'Four: the Quellmoor weir.\n');
    await eventually(async () => {
      const found = await named(c.id);
      expect(found['pipe.md']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/FIFO/) });
      expect(found['four.md']).toMatchObject({ status: 'indexed' });
    });
    expect(Object.keys(await named(c.id)).sort()).toEqual(['four.md', 'one.md', 'pipe.md', 'two.md']);
  });

  it('leaves an unwatched folder alone until it is reindexed', async () => {
    const c = await indexedFolder(false);
    // A watched twin of the same folder: once its watcher has seen a file, the unwatched one would have too.
    const twin = await call<Collection>('collections:create', { name: 'Twin' });
    await call('collections:addSource', { id: twin.id, path: folder, watch: true });
    writeFileSync(join(folder, 'quiet.md'), 'Quiet: the Ashcombe sundial.\n');
    await eventually(async () => expect((await named(twin.id))['quiet.md']).toMatchObject({ status: 'indexed' }));
    expect((await named(c.id))['quiet.md']).toBeUndefined();
    await call('collections:reindex', { id: c.id });
    await eventually(async () => expect((await named(c.id))['quiet.md']).toMatchObject({ status: 'indexed' }));
  });

  it('stops watching a folder that was removed from the collection', async () => {
    const c = await indexedFolder(true);
    const other = await call<Collection>('collections:create', { name: 'Other' });
    await call('collections:addSource', { id: other.id, path: folder, watch: true });
    const sourceId = (await call<Collection[]>('collections:list')).find((x) => x.id === c.id)!.sources[0]!.id;
    await call('collections:removeSource', { id: c.id, sourceId });
    expect(await docs(c.id)).toEqual([]);
    // The other collection's watcher sees the new file; the first, without its source, must not.
    writeFileSync(join(folder, 'after.md'), 'After: the Tolland pier.\n');
    await eventually(async () => expect((await named(other.id))['after.md']).toMatchObject({ status: 'indexed' }));
    expect(await docs(c.id)).toEqual([]);
  });
});
