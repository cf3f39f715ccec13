import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Collection, CollectionDocument } from '../../shared/rag';
import { tempDir, tinyModel } from '../helpers/fixtures';
import { type RunningServer, startServe, wsClient } from '../helpers/headlessProcess';

/** The built headless server, killed with SIGKILL while it embeds a folder, then started again on the same data. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Row {
  id: string;
  status: string;
  embedded_with: string | null;
  updated_at: number;
  chunk_ids: string | null;
}

/** Each document's state and its chunks' ids, read from the database file as another process would. */
function snapshot(dataDir: string): Map<string, Row> {
  const db = new Database(join(dataDir, 'hearth.db'), { readonly: true });
  try {
    const rows = db
      .prepare<[], Row>(
        `SELECT d.id, d.status, d.embedded_with, d.updated_at,
           (SELECT group_concat(c.id) FROM (SELECT id FROM chunks WHERE document_id = d.id ORDER BY id) c) AS chunk_ids
         FROM documents d`,
      )
      .all();
    return new Map(rows.map((r) => [r.id, r]));
  } finally {
    db.close();
  }
}

function vectorCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'hearth.db'), { readonly: true });
  sqliteVec.load(db);
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM vec_chunks_128').get()!.n;
  } finally {
    db.close();
  }
}

async function serve(data: string, models: string): Promise<{ server: RunningServer; call: <T>(c: string, i?: unknown) => Promise<T> }> {
  const server = await startServe(['--port', '0', '--data-dir', data, '--models-dir', models, '--gpu', 'off', '--threads', '1']);
  cleanups.push(() => server.stop());
  const client = await wsClient(server.port, server.token);
  cleanups.push(() => client.close());
  return { server, call: client.call };
}

describe('ingestion when the app is killed', () => {
  it('resumes on the next start without embedding the files that were finished', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const data = join(t.dir, 'data');
    const models = join(t.dir, 'models');
    const folder = join(t.dir, 'folder');
    mkdirSync(models, { recursive: true });
    mkdirSync(folder);
    const model = tinyModel(models, 'embed-1m.gguf', { size: '1m' });
    const files = 80;
    for (let i = 0; i < files; i++) {
      const body = Array.from({ length: 40 }, (_, j) => `Sentence ${j} of file ${i} about the harbour ledger number ${i * 100 + j}.`).join(
        ' ',
      );
      writeFileSync(join(folder, `file${String(i).padStart(3, '0')}.txt`), `${body}\n`);
    }

    const first = await serve(data, models);
    await first.call('collections:setEmbeddingModel', { path: model });
    const c = await first.call<Collection>('collections:create', { name: 'Killed' });
    await first.call('collections:addSource', { id: c.id, path: folder, watch: false });
    await vi.waitFor(
      async () => {
        const list = await first.call<CollectionDocument[]>('collections:documents', { id: c.id });
        expect(list.filter((d) => d.status === 'indexed').length).toBeGreaterThanOrEqual(5);
      },
      { timeout: 40_000, interval: 20 },
    );
    const exited = new Promise((resolve) => first.server.child.once('exit', resolve));
    first.server.child.kill('SIGKILL');
    await exited;

    const atKill = snapshot(data);
    const finished = [...atKill.values()].filter((r) => r.status === 'indexed');
    expect(atKill.size).toBe(files);
    expect(finished.length).toBeGreaterThanOrEqual(5);
    // Killed mid-way: some were still to do, and no finished file lacks its chunks.
    expect(finished.length).toBeLessThan(files);
    for (const r of finished) expect(r).toMatchObject({ embedded_with: model, chunk_ids: expect.any(String) });

    const second = await serve(data, models);
    await vi.waitFor(
      async () => {
        const [col] = await second.call<Collection[]>('collections:list');
        expect(col).toMatchObject({ stats: { indexed: files }, ingest: { state: 'idle' } });
      },
      { timeout: 60_000, interval: 100 },
    );
    const after = snapshot(data);
    for (const r of finished) expect(after.get(r.id)).toEqual(r);
    for (const r of after.values()) expect(r).toMatchObject({ status: 'indexed', embedded_with: model, chunk_ids: expect.any(String) });
    const chunks = [...after.values()].reduce((n, r) => n + r.chunk_ids!.split(',').length, 0);
    expect(vectorCount(data)).toBe(chunks);
  });
});
