import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asarUnpacked, openDatabase, vectorExtensionPath } from '../../../../electron/db/open';
import { ChunkIndex } from '../../../../electron/rag/index/chunkIndex';
import { ensureVectorTable, kindFor, listVectorTables, vectorBlob } from '../../../../electron/rag/index/vectorTables';
import { AppError } from '../../../../shared/errors';
import { tempDir } from '../../../helpers/fixtures';
import { axisVector, drafts, seedCollection, seedDocument } from './seedIndex';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('vector tables', () => {
  it('are binary-coded where the dimensions are a multiple of 8, float otherwise, and made once', () => {
    const { db } = openDatabase(':memory:');
    expect([kindFor(384), kindFor(128), kindFor(100)]).toEqual(['binary', 'binary', 'float']);
    expect(ensureVectorTable(db, 384)).toEqual({ name: 'vec_chunks_384', dims: 384, kind: 'binary' });
    expect(ensureVectorTable(db, 384)).toEqual({ name: 'vec_chunks_384', dims: 384, kind: 'binary' });
    ensureVectorTable(db, 100);
    expect(listVectorTables(db).sort((a, b) => a.dims - b.dims)).toEqual([
      { name: 'vec_chunks_100', dims: 100, kind: 'float' },
      { name: 'vec_chunks_384', dims: 384, kind: 'binary' },
    ]);
    db.close();
  });

  it('refuse dimensions no model has', () => {
    const { db } = openDatabase(':memory:');
    for (const dims of [0, -8, 1.5, 100_000]) expect(() => ensureVectorTable(db, dims)).toThrow(AppError);
    db.close();
  });

  it('read a vector as little-endian float32', () => {
    expect([...new Float32Array(new Uint8Array(vectorBlob([1, -2.5], 2)).buffer)]).toEqual([1, -2.5]);
  });

  it('work in every connection openDatabase opens: a reopened file searches, and its triggers still delete', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'hearth.db');
    const first = openDatabase(file).db;
    seedCollection(first, 'a');
    seedDocument(first, 'a', 'd1');
    const [id] = new ChunkIndex(first).replaceDocument({
      documentId: 'd1',
      collectionId: 'a',
      chunks: drafts(['ember']),
      vectors: [axisVector(16, 2)],
    });
    first.close();

    const again = openDatabase(file).db;
    expect(again.prepare('SELECT vec_version()').pluck().get()).toMatch(/^v0\.1\./);
    expect(new ChunkIndex(again).vectorSearch(['a'], axisVector(16, 2), 1).map((n) => n.id)).toEqual([id]);
    again.prepare("DELETE FROM documents WHERE id = 'd1'").run();
    expect(again.prepare('SELECT count(*) FROM vec_chunks_16').pluck().get()).toBe(0);
    again.close();
  });

  it('load sqlite-vec from its package here, and from beside the app archive in a packaged app', () => {
    expect(vectorExtensionPath()).toMatch(/sqlite-vec-[a-z]+-[a-z0-9]+[\\/]vec0\.(so|dylib|dll)$/);
    expect(asarUnpacked('/opt/Hearth/resources/app.asar/node_modules/sqlite-vec-linux-x64/vec0.so')).toBe(
      '/opt/Hearth/resources/app.asar.unpacked/node_modules/sqlite-vec-linux-x64/vec0.so',
    );
    expect(asarUnpacked('C:\\Hearth\\resources\\app.asar\\node_modules\\sqlite-vec-windows-x64\\vec0.dll')).toBe(
      'C:\\Hearth\\resources\\app.asar.unpacked\\node_modules\\sqlite-vec-windows-x64\\vec0.dll',
    );
    expect(asarUnpacked('/home/me/app.asarx/vec0.so')).toBe('/home/me/app.asarx/vec0.so');
  });
});
