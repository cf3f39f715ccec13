import { copyFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/api/backend';
import type { ChatEnd } from '../../shared/contract';
import type { LibraryModel } from '../../shared/models';
import { callHandler, type Seen, startBackend } from '../helpers/backend';
import { tempDir, tinyModel } from '../helpers/fixtures';

/** Split GGUFs (llama.cpp's gguf-split layout) in the library: listed as one model, checked part by part, loaded. */
let dir: string;
let models: string;
let cleanup: () => void;
let backend: Backend;
let seen: Seen;

const list = (): Promise<LibraryModel[]> => callHandler<LibraryModel[]>(backend, 'models:list');

/**
 * Splits a GGUF file the way llama.cpp's gguf-split does: the first part keeps every metadata key, each part
 * holds `split.no`, `split.count` and `split.tensors.count`, and the tensors are shared out in order.
 */
function splitGguf(src: string, prefix: string, count: number): string[] {
  const buf = readFileSync(src);
  let at = 0;
  const u32 = (): number => ((at += 4), buf.readUInt32LE(at - 4));
  const u64 = (): number => ((at += 8), Number(buf.readBigUInt64LE(at - 8)));
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skipValue = (type: number): void => {
    if (type === 8) {
      const n = u64();
      at += n;
    } else if (type === 9) {
      const inner = u32();
      const n = u64();
      for (let i = 0; i < n; i++) skipValue(inner);
    } else at += SIZES[type]!;
  };
  at = 8;
  const nTensors = u64();
  const nKv = u64();
  const kvStart = at;
  for (let i = 0; i < nKv; i++) {
    skipValue(8);
    skipValue(u32());
  }
  const kvs = buf.subarray(kvStart, at);
  const tensors: { name: Buffer; shape: Buffer; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const nameStart = at;
    skipValue(8);
    const name = buf.subarray(nameStart, at);
    const shapeStart = at;
    const dims = u32();
    at += dims * 8 + 4;
    tensors.push({ name, shape: buf.subarray(shapeStart, at), offset: u64() });
  }
  const ALIGN = 32;
  const dataStart = Math.ceil(at / ALIGN) * ALIGN;
  const ends = [...tensors.slice(1).map((t) => t.offset), buf.length - dataStart];
  const kv = (key: string, type: number, value: Buffer): Buffer => {
    const k = Buffer.alloc(8 + key.length + 4);
    k.writeBigUInt64LE(BigInt(key.length));
    k.write(key, 8);
    k.writeUInt32LE(type, 8 + key.length);
    return Buffer.concat([k, value]);
  };
  const num = (bytes: number, write: (b: Buffer) => void): Buffer => {
    const b = Buffer.alloc(bytes);
    write(b);
    return b;
  };
  const per = Math.ceil(tensors.length / count);
  const paths: string[] = [];
  for (let p = 0; p < count; p++) {
    const mine = tensors.slice(p * per, (p + 1) * per);
    const extra = [
      kv(
        'split.no',
        2,
        num(2, (b) => b.writeUInt16LE(p)),
      ),
      kv(
        'split.count',
        2,
        num(2, (b) => b.writeUInt16LE(count)),
      ),
      kv(
        'split.tensors.count',
        5,
        num(4, (b) => b.writeInt32LE(tensors.length)),
      ),
    ];
    const head = [Buffer.from('GGUF'), num(4, (b) => b.writeUInt32LE(3)), num(8, (b) => b.writeBigUInt64LE(BigInt(mine.length)))];
    head.push(
      num(8, (b) => b.writeBigUInt64LE(BigInt((p === 0 ? nKv : 0) + extra.length))),
      ...(p === 0 ? [kvs] : []),
      ...extra,
    );
    const data: Buffer[] = [];
    let offset = 0;
    for (const t of mine) {
      const i = tensors.indexOf(t);
      const bytes = buf.subarray(dataStart + t.offset, dataStart + ends[i]!);
      head.push(
        t.name,
        t.shape,
        num(8, (b) => b.writeBigUInt64LE(BigInt(offset))),
      );
      data.push(bytes);
      offset += bytes.length;
    }
    const header = Buffer.concat(head);
    const pad = Buffer.alloc(Math.ceil(header.length / ALIGN) * ALIGN - header.length);
    const path = `${prefix}-${String(p + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
    writeFileSync(path, Buffer.concat([header, pad, ...data]));
    paths.push(path);
  }
  return paths;
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  models = join(dir, 'models');
  mkdirSync(models, { recursive: true });
  seen = [];
  backend = startBackend(dir, seen);
});
afterEach(async () => {
  await backend.dispose(2000);
  cleanup();
});

describe('split GGUF files', () => {
  it('lists a split model as one, at its first part with every part counted, and answers with it', async () => {
    const parts = splitGguf(tinyModel(dir, 'whole.gguf', { favor: 'the' }), join(models, 'big'), 3);
    const size = parts.reduce((n, p) => n + readFileSync(p).length, 0);
    expect(await list()).toEqual([
      expect.objectContaining({
        path: parts[0],
        fileName: 'big-00001-of-00003.gguf',
        parts: 3,
        sizeBytes: size,
        source: 'folder',
        problem: null,
        meta: expect.objectContaining({ architecture: 'llama', kind: 'chat', layers: 5 }),
      }),
    ]);
    expect(await callHandler(backend, 'models:load', { path: parts[0] })).toMatchObject({ status: 'ready' });
    await callHandler(backend, 'settings:update', { maxTokens: 3, temperature: 0 });
    const sent = await callHandler<{ streamId: string }>(backend, 'chat:send', { conversationId: null, text: 'Hello' });
    await expect.poll(() => seen.find((s) => s.event === 'chat:end' && (s.payload as ChatEnd).streamId === sent.streamId)).toBeTruthy();
    const end = seen.find((s) => s.event === 'chat:end')!.payload as ChatEnd;
    expect(end).toMatchObject({ status: 'complete', content: expect.stringMatching(/^\s*the the the\s*$/) });
  });

  it('lists a split model with a part missing, says which, and refuses to load it without starting a load', async () => {
    const parts = splitGguf(tinyModel(dir, 'whole.gguf'), join(models, 'gap'), 3);
    rmSync(parts[1]!);
    const [gap] = await list();
    expect(gap).toMatchObject({
      path: parts[0],
      parts: 3,
      meta: null,
      problem: expect.stringMatching(/split into 3 files and part 2 \(gap-00002-of-00003\.gguf\) is missing/),
    });
    await expect(callHandler(backend, 'models:load', { path: parts[0] })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(seen.filter((s) => s.event === 'engine:state')).toEqual([]);
  });

  it('refuses a split model whose later part is truncated, naming the part', async () => {
    const parts = splitGguf(tinyModel(dir, 'whole.gguf'), join(models, 'cut'), 2);
    truncateSync(parts[1]!, Math.floor(readFileSync(parts[1]!).length / 2));
    expect((await list())[0]?.problem).toMatch(
      /cut-00001-of-00002\.gguf cannot be loaded: part 2 \(cut-00002-of-00002\.gguf\) is truncated/,
    );
  });

  it('refuses parts that do not belong together instead of letting llama.cpp abort on them', async () => {
    // Two copies of a whole model named as parts: every tensor appears twice, which llama.cpp aborts on.
    const whole = tinyModel(dir, 'whole.gguf');
    copyFileSync(whole, join(models, 'odd-00001-of-00002.gguf'));
    copyFileSync(whole, join(models, 'odd-00002-of-00002.gguf'));
    expect((await list())[0]?.problem).toMatch(/appears twice: its parts do not belong together/);
    expect(backend.host.getState()).toEqual({ status: 'none', lastError: null });
  });

  it('opens a split model from any of its parts, as the model at its first part', async () => {
    const parts = splitGguf(tinyModel(dir, 'whole.gguf'), join(dir, 'opened'), 3);
    expect(await callHandler(backend, 'models:add', { path: parts[2] })).toMatchObject({
      path: parts[0],
      parts: 3,
      source: 'added',
      problem: null,
    });
    expect(backend.settings.get().addedModelPaths).toEqual([parts[0]]);
    expect((await list()).map((m) => m.path)).toEqual([parts[0]]);
  });
});
