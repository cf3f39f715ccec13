import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import type { Collection, CollectionDocument, IngestState, Passage } from '../../shared/rag';
import { callHandler, type Seen, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

/** Ingestion on the real engine with the 1M tiny model as the embedding model (128 dimensions). */
let dir: string;
let models: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;
let model: string;
/** Every text sent to the engine's embed job, in order (the real job runs: this only listens). */
let embedded: string[];

const call = <T = unknown>(channel: string, input?: unknown): Promise<T> => callHandler<T>(backend, channel, input);
const docs = (id: string): Promise<CollectionDocument[]> => call<CollectionDocument[]>('collections:documents', { id });
const collection = async (id: string): Promise<Collection> => (await call<Collection[]>('collections:list')).find((c) => c.id === id)!;

/** A read-only connection with sqlite-vec, as another process would open the app's database. */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'data', 'hearth.db'), { readonly: true });
  sqliteVec.load(db);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Vectors stored for 128-dimension chunks (the index drops a vector table when its last vector goes). */
const vectorCount = (): number =>
  query<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'vec_chunks_128'")[0]!.n
    ? query<{ n: number }>('SELECT count(*) AS n FROM vec_chunks_128')[0]!.n
    : 0;

const chunkRows = (documentId: string): { id: number; text: string }[] =>
  query('SELECT id, text FROM chunks WHERE document_id = ? ORDER BY ord', documentId);

const embeddedWith = (documentId: string): { embedded_with: string | null; updated_at: number } =>
  query<{ embedded_with: string | null; updated_at: number }>(
    'SELECT embedded_with, updated_at FROM documents WHERE id = ?',
    documentId,
  )[0]!;

/** Paragraphs of made-up words, so each file has several passages and nothing repeats across files. */
function prose(seed: number, paragraphs: number): string {
  const words: string[] = [];
  let x = seed * 7919 + 13;
  for (let p = 0; p < paragraphs; p++) {
    for (let w = 0; w < 60; w++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      words.push(`w${(x % 5000).toString(36)}`);
    }
    words.push(`\n\nfile${seed}para${p}.`);
  }
  return words.join(' ');
}

function writeFolder(name: string, files: number, paragraphs = 3): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < files; i++)
    writeFileSync(join(folder, `doc${String(i).padStart(3, '0')}.md`), `# Doc ${i}\n\n${prose(i, paragraphs)}\n`);
  return folder;
}

const settled = (id: string, timeout = 60_000): Promise<Collection> =>
  vi.waitFor(
    async () => {
      const c = await collection(id);
      const todo = (await docs(id)).filter((d) => d.status === 'pending' || d.status === 'indexing').length;
      if (c.ingest.state !== 'idle' || todo) throw new Error(`${c.ingest.state}, ${todo} to do`);
      return c;
    },
    { timeout, interval: 50 },
  );

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  models = join(dir, 'models');
  mkdirSync(models, { recursive: true });
  model = tinyModel(models, 'embed-1m.gguf', { size: '1m' });
  seen = [];
  backend = startBackend(dir, seen);
  embedded = [];
  const embed = backend.scheduler.embed.bind(backend.scheduler);
  vi.spyOn(backend.scheduler, 'embed').mockImplementation((req) => {
    embedded.push(...req.texts);
    return embed(req);
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await backend.dispose(3000);
  cleanup();
});

describe('ingestion with an embedding model', () => {
  it('takes only a library model as the embedding model', async () => {
    await expect(call('collections:setEmbeddingModel', { path: join(dir, 'elsewhere.gguf') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(backend.settings.get().embeddingModelPath).toBeNull();
    expect(await call('collections:setEmbeddingModel', { path: model })).toEqual({ path: model });
    expect(backend.settings.get().embeddingModelPath).toBe(model);
    expect(await call('collections:setEmbeddingModel', { path: null })).toEqual({ path: null });
    expect(backend.settings.get().embeddingModelPath).toBeNull();
  });

  it('embeds every passage of a folder into 128-dimension vectors recorded with the model, and searches them', async () => {
    await call('collections:setEmbeddingModel', { path: model });
    const folder = writeFolder('docs', 4);
    const c = await call<Collection>('collections:create', { name: 'Embedded' });
    await call('collections:addSource', { id: c.id, path: folder });
    const done = await settled(c.id);
    expect(done).toMatchObject({ embeddingModel: model, dimensions: 128 });
    expect(done.stats.indexed).toBe(4);
    const chunks = query<{ n: number }>('SELECT count(*) AS n FROM chunks')[0]!.n;
    expect(chunks).toBe(done.stats.chunks);
    expect(chunks).toBeGreaterThan(4);
    expect(vectorCount()).toBe(chunks);
    for (const d of await docs(c.id)) expect(embeddedWith(d.id).embedded_with).toBe(model);
    // Each passage was embedded once (after the one probe that loads the model and reads its dimensions).
    const passages = query<{ text: string }>('SELECT text FROM chunks').map((r) => r.text);
    expect(embedded.filter((t) => passages.includes(t))).toHaveLength(chunks);
    const hits = await call<Passage[]>('collections:search', { ids: [c.id], query: 'file2para1' });
    expect(hits[0]).toMatchObject({ fileName: 'doc002.md' });
    expect(hits.some((h) => h.via.includes('vector'))).toBe(true);
  });

  it('embeds again only the file that changed in a watched folder', async () => {
    await call('collections:setEmbeddingModel', { path: model });
    const folder = writeFolder('watched', 5);
    const c = await call<Collection>('collections:create', { name: 'Watched' });
    await call('collections:addSource', { id: c.id, path: folder, watch: true });
    await settled(c.id);
    const before = Object.fromEntries((await docs(c.id)).map((d) => [d.fileName, d]));
    const others = Object.values(before).filter((d) => d.fileName !== 'doc003.md');
    const otherRows = others.map((d) => ({ rows: chunkRows(d.id), state: embeddedWith(d.id) }));
    embedded = [];
    writeFileSync(join(folder, 'doc003.md'), `# Doc 3, rewritten\n\n${prose(103, 2)}\n`);
    await vi.waitFor(() => expect(embeddedWith(before['doc003.md']!.id).updated_at).toBeGreaterThan(before['doc003.md']!.updatedAt), {
      timeout: 15_000,
      interval: 50,
    });
    await settled(c.id);
    const rewritten = chunkRows(before['doc003.md']!.id).map((r) => r.text);
    expect(rewritten.join(' ')).toContain('file103para1');
    expect(embedded.filter((t) => t !== 'dimensions')).toEqual(rewritten);
    expect(others.map((d) => ({ rows: chunkRows(d.id), state: embeddedWith(d.id) }))).toEqual(otherRows);
  });

  it('cancels mid-way, keeps what was embedded, and finishes the rest later without embedding it twice', async () => {
    await call('collections:setEmbeddingModel', { path: model });
    const folder = writeFolder('many', 60, 4);
    const c = await call<Collection>('collections:create', { name: 'Many' });
    await call('collections:addSource', { id: c.id, path: folder, watch: false });
    const live = (): IngestState[] =>
      seen.map((s) => s.payload as IngestState).filter((p, i) => seen[i]!.event === 'collections:progress' && p.state === 'indexing');
    // Cancelled once a few files are done and the progress has told the rate, the file being read and an ETA.
    await vi.waitFor(
      async () => {
        expect((await docs(c.id)).filter((d) => d.status === 'indexed').length).toBeGreaterThanOrEqual(3);
        expect(live().some((p) => p.chunksPerSecond > 0 && p.current !== null && p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
      },
      { timeout: 30_000, interval: 20 },
    );
    const cancelled = await call<IngestState>('collections:cancel', { id: c.id });
    expect(cancelled.state).toBe('cancelled');
    expect((await collection(c.id)).ingest.state).toBe('cancelled');
    const stopped = await docs(c.id);
    const finished = stopped.filter((d) => d.status === 'indexed');
    expect(stopped.filter((d) => d.status === 'pending').length).toBeGreaterThan(0);
    expect(stopped.some((d) => d.status === 'indexing')).toBe(false);
    const finishedRows = finished.map((d) => chunkRows(d.id));
    const counts = live().map((p) => p.chunksDone);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(live().every((p) => p.filesTotal === 60)).toBe(true);

    embedded = [];
    await call('collections:reindex', { id: c.id });
    const done = await settled(c.id);
    expect(done.stats.indexed).toBe(60);
    expect(finished.map((d) => chunkRows(d.id))).toEqual(finishedRows);
    const finishedTexts = new Set(finishedRows.flat().map((r) => r.text));
    expect(embedded.filter((t) => finishedTexts.has(t))).toEqual([]);
    expect(embedded.filter((t) => t !== 'dimensions').length).toBe(done.stats.chunks - finishedTexts.size);
  });

  it('embeds again with a new model, and drops the vectors for keyword search alone with none', async () => {
    await call('collections:setEmbeddingModel', { path: model });
    const folder = writeFolder('switch', 3);
    const c = await call<Collection>('collections:create', { name: 'Switch' });
    await call('collections:addSource', { id: c.id, path: folder });
    await settled(c.id);
    const passages = query('SELECT id, document_id, text, char_start, char_end FROM chunks ORDER BY id');
    const other = tinyModel(models, 'embed-1m-b.gguf', { size: '1m', seed: 7 });
    embedded = [];
    await call('collections:setEmbeddingModel', { path: other });
    const again = await settled(c.id);
    expect(again).toMatchObject({ embeddingModel: other, dimensions: 128 });
    for (const d of await docs(c.id)) expect(embeddedWith(d.id).embedded_with).toBe(other);
    expect(vectorCount()).toBe(again.stats.chunks);
    // The files did not change: their passages are kept as they were and only embedded again.
    expect(query('SELECT id, document_id, text, char_start, char_end FROM chunks ORDER BY id')).toEqual(passages);
    expect(embedded.filter((t) => t !== 'dimensions').sort()).toEqual(passages.map((p) => (p as { text: string }).text).sort());

    await call('collections:setEmbeddingModel', { path: null });
    const plain = await settled(c.id);
    expect(plain).toMatchObject({ embeddingModel: null, dimensions: null });
    expect(vectorCount()).toBe(0);
    expect(plain.stats.chunks).toBe(again.stats.chunks);
    const hits = await call<Passage[]>('collections:search', { ids: [c.id], query: 'file1para2' });
    expect(hits[0]).toMatchObject({ fileName: 'doc001.md', via: ['keyword'] });
  });
});
