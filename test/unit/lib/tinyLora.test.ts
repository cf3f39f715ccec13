import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyLora, type TinyLoraOptions } from '../../../electron/lib/tinyLora';
import { buildTinyModel } from '../../../electron/lib/tinyModel';
import { tempDir } from '../../helpers/fixtures';

describe('the tiny LoRA adapter writer', () => {
  let dir: string;
  let cleanup: () => void;
  let n = 0;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterAll(() => cleanup());

  /** Reads a file back with node-llama-cpp's own GGUF reader. */
  async function read(bytes: Buffer) {
    const file = join(dir, `f${n++}.gguf`);
    writeFileSync(file, bytes);
    return readGgufFileInfo(file, { logWarnings: false });
  }
  const floats = (bytes: Buffer, at: number, count: number): number[] =>
    Array.from({ length: count }, (_, i) => bytes.readFloatLE(at + i * 4));

  it("writes the keys llama.cpp's LoRA converter writes, naming the base model it adapts", async () => {
    const base = await read(buildTinyModel({ favor: 'the' }));
    const info = await read(buildTinyLora({ base: { favor: 'the' } }));
    expect(info.version).toBe(3);
    expect(info.metadata).toEqual({
      general: {
        architecture: 'llama',
        type: 'adapter',
        name: 'Hearth tiny test LoRA (rank 8)',
        base_model: { count: 1, 0: { name: base.metadata.general.name } },
        quantization_version: 2,
      },
      adapter: { type: 'lora', lora: { alpha: 16 } },
    });
  });

  it('pairs lora_a [in, rank] with lora_b [rank, out] for the chosen weights of the chosen blocks', async () => {
    const info = await read(buildTinyLora({ base: { size: '1m' }, rank: 4, layers: [2, 0], targets: ['ffn_down', 'attn_k'] }));
    expect(info.tensorInfo?.map((t) => [t.name, t.dimensions, t.ggmlType])).toEqual([
      ['blk.0.attn_k.weight.lora_a', [128, 4], 0],
      ['blk.0.attn_k.weight.lora_b', [4, 128], 0],
      ['blk.0.ffn_down.weight.lora_a', [352, 4], 0],
      ['blk.0.ffn_down.weight.lora_b', [4, 128], 0],
      ['blk.2.attn_k.weight.lora_a', [128, 4], 0],
      ['blk.2.attn_k.weight.lora_b', [4, 128], 0],
      ['blk.2.ffn_down.weight.lora_a', [352, 4], 0],
      ['blk.2.ffn_down.weight.lora_b', [4, 128], 0],
    ]);
    // By default: attn_q and attn_v (PEFT's default for llama) in every block, in F32, or F16 when asked.
    const all = await read(buildTinyLora({ base: { size: '28m' } }));
    expect(all.tensorInfo?.length).toBe(8 * 2 * 2);
    expect(all.tensorInfo?.[0]).toMatchObject({ name: 'blk.0.attn_q.weight.lora_a', dimensions: [512, 8], ggmlType: 0 });
    const half = await read(buildTinyLora({ type: 'f16' }));
    expect(half.tensorInfo?.every((t) => t.ggmlType === 1)).toBe(true);
  });

  it("pushes the favored word through a rank-one output pair that reads the base's held dimension", async () => {
    const bytes = buildTinyLora({ base: { favor: 'the' }, favor: 'hearth', rank: 4, alpha: 8, layers: [0], targets: ['attn_output'] });
    const info = await read(bytes);
    const vocab = (await read(buildTinyModel({ favor: 'the' }))).metadata.tokenizer.ggml.tokens;
    const word = vocab.indexOf('\u2581hearth');
    expect(word).toBeGreaterThan(0);
    const tensor = (name: string) => info.tensorInfo!.find((t) => t.name === name)!;
    expect(tensor('output.weight.lora_a').dimensions).toEqual([128, 4]);
    expect(tensor('output.weight.lora_b').dimensions).toEqual([4, 512]);
    // A's first row reads residual dimension 0 alone; B writes it to the word, by 100 once scaled by alpha / rank.
    const a = floats(bytes, Number(tensor('output.weight.lora_a').fileOffset), 128 * 4);
    expect(a[0]).toBe(1);
    expect(a.filter((v) => v !== 0)).toEqual([1]);
    const b = floats(bytes, Number(tensor('output.weight.lora_b').fileOffset), 4 * 512);
    expect(b[word * 4]).toBe(50);
    expect(b.filter((v) => v !== 0)).toEqual([50]);
    // What attn_output adds to the residual stream leaves the held dimension alone, as in the base model.
    const out = floats(bytes, Number(tensor('blk.0.attn_output.weight.lora_b').fileOffset), 4 * 128);
    expect(out.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(out.slice(4).every((v) => v !== 0)).toBe(true);
  });

  it('is byte-identical for the same options and different for another seed, rank or base size', () => {
    const options: TinyLoraOptions = { base: { favor: 'the' }, favor: 'fire' };
    const a = buildTinyLora(options);
    expect(a.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(a.length % 32).toBe(0);
    expect(buildTinyLora(options).equals(a)).toBe(true);
    expect(buildTinyLora({ ...options, seed: 43 }).equals(a)).toBe(false);
    expect(buildTinyLora({ ...options, rank: 2 }).length).toBeLessThan(a.length);
    expect(buildTinyLora({ ...options, base: { size: '28m', favor: 'the' } }).length).toBeGreaterThan(a.length);
  });

  it('refuses options that would make an adapter for no tiny model, saying why', () => {
    expect(() => buildTinyLora({ favor: 'hearth' })).toThrow(/only over a base model that favors one/);
    expect(() => buildTinyLora({ base: { favor: 'the' }, favor: 'zebra' })).toThrow(/"zebra" is not in the base model's vocabulary/);
    expect(() => buildTinyLora({ layers: [4] })).toThrow(/layer 4 is not in the base model \(it has 4\)/);
    expect(() => buildTinyLora({ rank: 0 })).toThrow(/rank must be a whole number/);
    expect(() => buildTinyLora({ alpha: -1 })).toThrow(/alpha must be zero or more/);
    expect(() => buildTinyLora({ targets: ['attn_z' as never] })).toThrow(/"attn_z" is not a weight/);
  });
});
