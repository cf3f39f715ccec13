import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { modelKind } from '../../electron/models/library/modelMeta';
import { WORKER_PATH, tempDir, tinyLora, tinyModel } from '../helpers/fixtures';

/**
 * The engine's inspect job on the real inference process, for what the library and the fit need beyond a plain
 * model: LoRA adapters, split files and a mixture of experts. Split parts and extra metadata keys are written by
 * rewriting a tiny model's GGUF here, in llama.cpp's gguf-split layout.
 */
let dir: string;
let cleanup: () => void;
let host: InferenceHost;
let says: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
});
afterAll(async () => {
  await host.dispose(2000);
  cleanup();
});

const GGUF_ALIGN = 32;
const VALUE_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

interface Parsed {
  /** Each metadata entry as written: key, type and value. */
  kvs: Buffer[];
  /** Each tensor's info without its offset (name, dims, type), and its data with the padding that follows it. */
  tensors: { info: Buffer; data: Buffer }[];
}

/** Reads a GGUF v3 file as written by the tiny-model writer (tensor data in the order of the tensor infos). */
function parseGguf(buf: Buffer): Parsed {
  let at = 8;
  const u32 = (): number => ((at += 4), buf.readUInt32LE(at - 4));
  const u64 = (): number => ((at += 8), Number(buf.readBigUInt64LE(at - 8)));
  const skip = (type: number): void => {
    if (type === 8) {
      const n = u64();
      at += n;
    } else if (type === 9) {
      const inner = u32();
      for (let i = u64(); i > 0; i--) skip(inner);
    } else at += VALUE_BYTES[type]!;
  };
  const nTensors = u64();
  const nKv = u64();
  const kvs: Buffer[] = [];
  for (let i = 0; i < nKv; i++) {
    const start = at;
    skip(8);
    skip(u32());
    kvs.push(buf.subarray(start, at));
  }
  const infos: { info: Buffer; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const start = at;
    skip(8);
    const dims = u32();
    at += dims * 8 + 4;
    infos.push({ info: buf.subarray(start, at), offset: u64() });
  }
  const dataStart = Math.ceil(at / GGUF_ALIGN) * GGUF_ALIGN;
  const tensors = infos.map((t, i) => ({
    info: t.info,
    data: buf.subarray(dataStart + t.offset, dataStart + (infos[i + 1]?.offset ?? buf.length - dataStart)),
  }));
  return { kvs, tensors };
}

function buildGguf({ kvs, tensors }: Parsed): Buffer {
  const u64 = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const head: Buffer[] = [Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), u64(tensors.length), u64(kvs.length), ...kvs];
  let offset = 0;
  for (const t of tensors) {
    head.push(t.info, u64(offset));
    offset += t.data.length;
  }
  const header = Buffer.concat(head);
  const pad = Buffer.alloc(Math.ceil(header.length / GGUF_ALIGN) * GGUF_ALIGN - header.length);
  return Buffer.concat([header, pad, ...tensors.map((t) => t.data)]);
}

/** A metadata entry: u16 (type 2), i32 (5), u32 (4) or a string (8). */
function kv(key: string, value: { u16: number } | { i32: number } | { u32: number } | { str: string }): Buffer {
  const name = Buffer.alloc(8 + key.length);
  name.writeBigUInt64LE(BigInt(key.length));
  name.write(key, 8);
  const typed = (type: number, bytes: number, write: (b: Buffer) => void): Buffer => {
    const b = Buffer.alloc(4 + bytes);
    b.writeUInt32LE(type);
    write(b.subarray(4));
    return Buffer.concat([name, b]);
  };
  if ('u16' in value) return typed(2, 2, (b) => b.writeUInt16LE(value.u16));
  if ('i32' in value) return typed(5, 4, (b) => b.writeInt32LE(value.i32));
  if ('u32' in value) return typed(4, 4, (b) => b.writeUInt32LE(value.u32));
  const s = Buffer.from(value.str);
  return typed(8, 8 + s.length, (b) => {
    b.writeBigUInt64LE(BigInt(s.length));
    s.copy(b, 8);
  });
}

/** Splits a GGUF as llama.cpp's gguf-split does: every key in part 1, split.* keys in each, tensors shared out in order. */
function splitGguf(src: string, stem: string, count: number): string[] {
  const { kvs, tensors } = parseGguf(readFileSync(src));
  const per = Math.ceil(tensors.length / count);
  return Array.from({ length: count }, (_, p) => {
    const split = [kv('split.no', { u16: p }), kv('split.count', { u16: count }), kv('split.tensors.count', { i32: tensors.length })];
    const path = join(dir, `${stem}-${String(p + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`);
    writeFileSync(path, buildGguf({ kvs: p === 0 ? [...kvs, ...split] : split, tensors: tensors.slice(p * per, (p + 1) * per) }));
    return path;
  });
}

describe('inspecting a LoRA adapter', () => {
  it('describes an adapter as one, with its architecture, its own size and parameters, and a fit of its bytes alone', async () => {
    const adapter = tinyLora(dir, 'hearth.lora.gguf', { base: { favor: 'the' }, favor: 'hearth', layers: [0, 2] });
    const r = await host.job('inspect', { source: adapter, contextSize: 2048, sequences: 2 });
    const size = statSync(adapter).size;
    // attn_q and attn_v in 2 blocks, each A [128, 8] and B [8, 128], and the output head's A [128, 8] and B [8, 512].
    const parameters = 2 * 2 * (128 * 8 + 8 * 128) + (128 * 8 + 8 * 512);
    expect(r).toMatchObject({
      type: 'adapter',
      adapterType: 'lora',
      architecture: 'llama',
      name: 'Hearth tiny test LoRA (rank 8, favors "hearth")',
      sizeBytes: size,
      parameters,
      layers: 2,
      trainContextSize: null,
      embeddingSize: null,
      hasChatTemplate: false,
      supportsRanking: false,
      experts: null,
      expertsUsed: null,
      fit: { contextSize: 2048, sequences: 2, gpuLayers: 0, ramBytes: size, vramBytes: 0, contextRamBytes: 0, contextVramBytes: 0 },
    });
    expect(modelKind(r)).toBe('adapter');
  });

  it("describes adapters for another architecture, another base size, and in F16, as node-llama-cpp's insights would not be asked to", async () => {
    for (const [name, options, architecture] of [
      ['qwen.lora.gguf', { architecture: 'qwen2' }, 'qwen2'],
      ['unknown.lora.gguf', { architecture: 'no-such-architecture' }, 'no-such-architecture'],
      ['wide.lora.gguf', { base: { size: '28m' as const } }, 'llama'],
      ['half.lora.gguf', { type: 'f16' as const }, 'llama'],
    ] as const) {
      const path = tinyLora(dir, name, options);
      const r = await host.job('inspect', { source: path });
      expect(r).toMatchObject({ type: 'adapter', adapterType: 'lora', architecture, sizeBytes: statSync(path).size });
      expect(r.layers).toBeGreaterThan(0);
    }
  });

  it("says a model is not an adapter: the tiny writer's model has no general.type, a converted one says 'model'", async () => {
    const plain = await host.job('inspect', { source: says });
    expect(plain).toMatchObject({ type: null, adapterType: null, experts: null, expertsUsed: null });
    expect(modelKind(plain)).toBe('chat');

    const { kvs, tensors } = parseGguf(readFileSync(says));
    const typed = join(dir, 'typed.gguf');
    writeFileSync(typed, buildGguf({ kvs: [...kvs, kv('general.type', { str: 'model' })], tensors }));
    const r = await host.job('inspect', { source: typed });
    expect(r).toMatchObject({ type: 'model', adapterType: null, layers: plain.layers, parameters: plain.parameters });
    expect(modelKind(r)).toBe('chat');
  });
});

describe('inspecting a split model', () => {
  it('gives the size of every part together, and the same model as the whole file', async () => {
    const whole = await host.job('inspect', { source: says, contextSize: 1024 });
    const parts = splitGguf(says, 'split', 3);
    const sizes = parts.map((p) => statSync(p).size);
    const r = await host.job('inspect', { source: parts[0]!, contextSize: 1024 });
    expect(r.sizeBytes).toBe(sizes[0]! + sizes[1]! + sizes[2]!);
    expect(r.sizeBytes).toBeGreaterThan(sizes[0]!);
    // Each part adds its own header to the tensor data the whole file holds once.
    expect(r.sizeBytes).toBeGreaterThanOrEqual(whole.sizeBytes);
    expect(r).toMatchObject({
      type: null,
      architecture: 'llama',
      layers: whole.layers,
      parameters: whole.parameters,
      trainContextSize: whole.trainContextSize,
      fileType: whole.fileType,
    });
  });
});

describe('inspecting a mixture of experts', () => {
  it("reads the expert count and the experts used per token from the architecture's keys", async () => {
    const { kvs, tensors } = parseGguf(readFileSync(says));
    const moe = join(dir, 'moe.gguf');
    writeFileSync(
      moe,
      buildGguf({ kvs: [...kvs, kv('llama.expert_count', { u32: 8 }), kv('llama.expert_used_count', { u32: 2 })], tensors }),
    );
    expect(await host.job('inspect', { source: moe })).toMatchObject({ experts: 8, expertsUsed: 2, architecture: 'llama' });
  });
});
