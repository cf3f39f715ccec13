import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../../electron/api/backend';
import type { Collection, CollectionDocument, IngestState, Passage } from '../../../shared/rag';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { writeCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/fixtures';

/** Collections through the handler table, keyword-only (no embedding model): sources, statuses, hostile files. */
let dir: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;

const call = <T = unknown>(channel: string, input?: unknown): Promise<T> => callHandler<T>(backend, channel, input);
const docs = (id: string): Promise<CollectionDocument[]> => call<CollectionDocument[]>('collections:documents', { id });
const byName = (list: CollectionDocument[]): Record<string, CollectionDocument> =>
  Object.fromEntries(list.map((d) => [d.path.slice(dir.length + 1), d]));

/** Waits until nothing of the collection is pending and its ingestion is idle. */
async function settled(id: string, timeout = 30_000): Promise<Collection> {
  return vi.waitFor(
    async () => {
      const c = (await call<Collection[]>('collections:list')).find((x) => x.id === id)!;
      const pending = (await docs(id)).filter((d) => d.status === 'pending' || d.status === 'indexing');
      if (c.ingest.state !== 'idle' || pending.length) throw new Error(`still ${c.ingest.state}, ${pending.length} pending`);
      return c;
    },
    { timeout, interval: 50 },
  );
}

/** A second, read-only connection to the app's database, as another process would open it. */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'data', 'hearth.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const chunkIds = (documentId: string): number[] =>
  query<{ id: number }>('SELECT id FROM chunks WHERE document_id = ? ORDER BY ord', documentId).map((r) => r.id);

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  seen = [];
  backend = startBackend(dir, seen);
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('collections', () => {
  it('creates, renames, lists and deletes a collection, and tells every client each time', async () => {
    const c = await call<Collection>('collections:create', { name: 'Research' });
    expect(c).toMatchObject({ name: 'Research', sources: [], embeddingModel: null, dimensions: null });
    expect(c.stats).toEqual({ documents: 0, indexed: 0, failed: 0, skipped: 0, chunks: 0 });
    expect(c.ingest).toMatchObject({ collectionId: c.id, state: 'idle', filesDone: 0, filesTotal: 0 });
    expect(await call('collections:rename', { id: c.id, name: 'Papers' })).toMatchObject({ id: c.id, name: 'Papers' });
    expect((await call<Collection[]>('collections:list')).map((x) => x.name)).toEqual(['Papers']);
    await call('collections:delete', { id: c.id });
    expect(await call('collections:list')).toEqual([]);
    await expect(call('collections:rename', { id: c.id, name: 'Gone' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const changed = seen.filter((s) => s.event === 'collections:changed').map((s) => s.payload);
    expect(changed).toEqual([{ collectionId: c.id }, { collectionId: c.id }, { collectionId: c.id }]);
  });

  it('refuses a relative path, a path that is not there and a FIFO as a source', async () => {
    const c = await call<Collection>('collections:create', { name: 'Refusals' });
    await expect(call('collections:addSource', { id: c.id, path: 'docs/notes.md' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('collections:addSource', { id: c.id, path: join(dir, 'missing') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(call('collections:addSource', { id: c.id, path: join(dir, 'pipe') })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('collections:addSource', { id: 'nope', path: dir })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await call<Collection[]>('collections:list'))[0]!.sources).toEqual([]);
  });

  it('indexes a folder of mixed files, lists each with its status and reason, and leaves out hidden and package folders', async () => {
    const folder = join(dir, 'docs');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    mkdirSync(join(folder, '.git'), { recursive: true });
    mkdirSync(join(folder, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(folder, 'notes.md'), '# Harbour\n\nThe lighthouse keeper Ottoline Brask logs 41 ships a night.\n');
    writeFileSync(join(folder, 'readme.txt'), 'Plain text about the Quillmere reservoir and its 7 sluice gates.\n');
    writeFileSync(
      join(folder, 'page.html'),
      '<html><body><h1>Orchard</h1><p>Pears from Vantwick.</p><script>secretScript()</script></body></html>',
    );
    writeFileSync(join(folder, 'table.csv'), 'name,count\nzephyrine,12\n');
    writeFileSync(join(folder, 'tool.ts'), 'export const marmaladeFactor = 42;\n');
    writeFileSync(join(folder, 'sub', 'deeper.md'), 'Nested notes about the Caldrith tunnel.\n');
    writeFileSync(join(folder, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    writeFileSync(join(folder, 'empty.txt'), '');
    writeFileSync(join(folder, '.git', 'config.md'), 'hidden');
    writeFileSync(join(folder, '.env'), 'TOKEN=hidden');
    writeFileSync(join(folder, 'node_modules', 'pkg', 'readme.md'), 'package noise');
    const c = await call<Collection>('collections:create', { name: 'Mixed' });
    const added = await call<Collection>('collections:addSource', { id: c.id, path: folder, watch: false });
    expect(added.sources).toEqual([{ id: expect.any(String), kind: 'folder', path: folder, watch: false }]);
    const done = await settled(c.id);
    const found = byName(await docs(c.id));
    expect(Object.keys(found).sort()).toEqual(
      ['empty.txt', 'notes.md', 'page.html', 'photo.png', 'readme.txt', 'sub/deeper.md', 'table.csv', 'tool.ts'].map((n) => `docs/${n}`),
    );
    for (const n of ['notes.md', 'readme.txt', 'page.html', 'table.csv', 'tool.ts', 'sub/deeper.md']) {
      expect(found[`docs/${n}`], n).toMatchObject({ status: 'indexed', reason: null, fileName: n.split('/').pop() });
      expect(found[`docs/${n}`]!.chunks, n).toBeGreaterThan(0);
    }
    expect(found['docs/photo.png']).toMatchObject({ status: 'skipped', reason: expect.any(String), chunks: 0 });
    expect(found['docs/empty.txt']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/empty/i), chunks: 0 });
    expect(done.stats).toMatchObject({ documents: 8, indexed: 6, skipped: 2, failed: 0 });
    expect(done.stats.chunks).toBe(Object.values(found).reduce((n, d) => n + d.chunks, 0));
    expect(done.ingest).toMatchObject({ state: 'idle', filesDone: 8, filesTotal: 8, error: null });
    const progress = seen.filter((s) => s.event === 'collections:progress').map((s) => s.payload as IngestState);
    expect(progress.some((p) => p.state === 'scanning')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ state: 'idle', filesDone: 8, filesTotal: 8 });
    const hits = await call<Passage[]>('collections:search', { ids: [c.id], query: 'Ottoline lighthouse' });
    expect(hits[0]).toMatchObject({ fileName: 'notes.md', collectionId: c.id, via: ['keyword'] });
    expect(await call<Passage[]>('collections:search', { ids: [c.id], query: 'secretScript' })).toEqual([]);
  });

  it('gives each file of the fixture corpus and each hostile entry its status, while the rest indexes and nothing blocks', async () => {
    const folder = join(dir, 'hostile');
    const outside = join(dir, 'outside');
    mkdirSync(folder);
    mkdirSync(outside);
    const corpus = await writeCorpus(folder);
    writeFileSync(join(outside, 'private.md'), 'Outside the collection: never indexed.');
    symlinkSync('loop-b', join(folder, 'loop-a'));
    symlinkSync('loop-a', join(folder, 'loop-b'));
    symlinkSync(outside, join(folder, 'outside-link'));
    symlinkSync(folder, join(folder, 'self-link'));
    execFileSync('mkfifo', [join(folder, 'pipe.txt')]);
    writeFileSync(join(folder, 'sparse.txt'), '');
    truncateSync(join(folder, 'sparse.txt'), 20 * 1024 ** 3);
    const c = await call<Collection>('collections:create', { name: 'Hostile' });
    await call('collections:addSource', { id: c.id, path: folder });
    const done = await settled(c.id);
    const found = byName(await docs(c.id));
    // Each corpus file's status, whether it has chunks, and whether its reason says what the corpus expects.
    const got = corpus.files.map((f) => {
      const d = found[`hostile/${f.name}`];
      const fits = f.expect.status === 'indexed' ? d?.reason === null : (d?.reason ?? '').includes(f.expect.reason);
      return { name: f.name, status: d?.status, chunks: (d?.chunks ?? 0) > 0, reasonFits: fits };
    });
    const want = corpus.files.map((f) => ({
      name: f.name,
      status: f.expect.status,
      chunks: f.expect.status === 'indexed',
      reasonFits: true,
    }));
    expect(got, JSON.stringify(Object.values(found).map((d) => [d.fileName, d.reason]))).toEqual(want);
    expect(found['hostile/long-word.txt']!.chunks).toBeGreaterThan(1);
    expect(found['hostile/harbour-report.pdf']!.pages).toBe(corpus.files.find((f) => f.name === 'harbour-report.pdf')!.pages);
    expect(found['hostile/loop-a']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/loop/) });
    expect(found['hostile/loop-b']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/loop/) });
    expect(found['hostile/outside-link']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/leaves the folder/) });
    expect(found['hostile/self-link']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/loop/) });
    expect(found['hostile/pipe.txt']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/FIFO/) });
    expect(found['hostile/sparse.txt']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/too big/), chunks: 0 });
    expect(found['hostile/sparse.txt']!.sizeBytes).toBe(20 * 1024 ** 3);
    expect(Object.keys(found).some((p) => p.includes('private'))).toBe(false);
    expect(Object.keys(found)).toHaveLength(corpus.files.length + 6);
    const indexed = corpus.files.filter((f) => f.expect.status === 'indexed').length;
    expect(done.stats).toMatchObject({ indexed, failed: corpus.files.filter((f) => f.expect.status === 'failed').length });
    const hits = await call<Passage[]>('collections:search', { ids: [c.id], query: 'Gorsedd clock tower' });
    expect(hits[0]).toMatchObject({ fileName: 'long-word.txt' });
    // The files themselves are untouched by a delete.
    const before = readdirSync(folder).sort();
    await call('collections:delete', { id: c.id });
    expect(readdirSync(folder).sort()).toEqual(before);
    expect(query('SELECT count(*) AS n FROM chunks')).toEqual([{ n: 0 }]);
    expect(query('SELECT count(*) AS n FROM documents')).toEqual([{ n: 0 }]);
  });

  it('reads again only what changed on a reindex, and everything on a full one', async () => {
    const folder = join(dir, 'notes');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.md'), 'Alpha notes about the Sorrelford mill.\n');
    writeFileSync(join(folder, 'b.md'), 'Beta notes about the Tamsin quarry.\n');
    writeFileSync(join(folder, 'c.md'), 'Gamma notes, soon deleted.\n');
    const c = await call<Collection>('collections:create', { name: 'Notes' });
    await call('collections:addSource', { id: c.id, path: folder, watch: false });
    await settled(c.id);
    const before = byName(await docs(c.id));
    const aChunks = chunkIds(before['notes/a.md']!.id);
    const bChunks = chunkIds(before['notes/b.md']!.id);
    // b's content changes; a is only touched (same bytes, a new time); c goes.
    writeFileSync(join(folder, 'b.md'), 'Beta notes, rewritten: the Tamsin quarry closed in 1911.\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(folder, 'a.md'), later, later);
    rmSync(join(folder, 'c.md'));
    await call('collections:reindex', { id: c.id });
    await settled(c.id);
    const after = byName(await docs(c.id));
    expect(Object.keys(after).sort()).toEqual(['notes/a.md', 'notes/b.md']);
    expect(chunkIds(after['notes/a.md']!.id)).toEqual(aChunks);
    expect(after['notes/a.md']!.updatedAt).toBe(before['notes/a.md']!.updatedAt);
    // Chunk ids are rowids, which SQLite may hand out again: the document's time says it was written anew.
    expect(after['notes/b.md']!.updatedAt).toBeGreaterThan(before['notes/b.md']!.updatedAt);
    expect(chunkIds(after['notes/b.md']!.id)).toHaveLength(bChunks.length);
    expect(await call<Passage[]>('collections:search', { ids: [c.id], query: '1911' })).toHaveLength(1);
    await call('collections:reindex', { id: c.id, full: true });
    await settled(c.id);
    expect(byName(await docs(c.id))['notes/a.md']!.updatedAt).toBeGreaterThan(after['notes/a.md']!.updatedAt);
  });

  it('forgets a removed source, its documents and their chunks', async () => {
    const one = join(dir, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'kept.md'), 'Kept: the Wrenholt ledger.\n');
    const single = join(dir, 'single.txt');
    writeFileSync(single, 'A single file about the Emberly bridge.\n');
    const c = await call<Collection>('collections:create', { name: 'Two sources' });
    await call('collections:addSource', { id: c.id, path: one });
    const withFile = await call<Collection>('collections:addSource', { id: c.id, path: single });
    expect(withFile.sources.map((s) => [s.kind, s.watch])).toEqual([
      ['folder', true],
      ['file', false],
    ]);
    await settled(c.id);
    expect((await docs(c.id)).map((d) => d.fileName).sort()).toEqual(['kept.md', 'single.txt']);
    const after = await call<Collection>('collections:removeSource', { id: c.id, sourceId: withFile.sources[0]!.id });
    expect(after.sources.map((s) => s.path)).toEqual([single]);
    expect((await docs(c.id)).map((d) => d.fileName)).toEqual(['single.txt']);
    expect(await call<Passage[]>('collections:search', { ids: [c.id], query: 'Wrenholt' })).toEqual([]);
    expect(existsSync(join(one, 'kept.md'))).toBe(true);
  });
});
