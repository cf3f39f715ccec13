import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGML_F32, GGML_Q8_0 } from '../../../electron/lib/ggufWriter';
import { buildTinyModel, type TinyModelOptions } from '../../../electron/lib/tinyModel';
import { RANK_TEMPLATE, RANKER_LABELS } from '../../../electron/lib/tinyRanker';
import { tempDir } from '../../helpers/fixtures';

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
});
afterAll(() => cleanup());

/** A built model's header as node-llama-cpp reads it, and each tensor's bytes by name. */
async function read(name: string, options: TinyModelOptions) {
  const bytes = buildTinyModel(options);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const info = await readGgufFileInfo(file, { logWarnings: false });
  const tensors = new Map(
    (info.fullTensorInfo ?? []).map((t) => {
      const start = Number(t.fileOffset);
      const elements = t.dimensions.reduce<number>((n, d) => n * Number(d), 1);
      const length = t.ggmlType === GGML_Q8_0 ? (elements / 32) * 34 : elements * 4;
      return [t.name, { dims: t.dimensions.map(Number), type: t.ggmlType, data: bytes.subarray(start, start + length) }];
    }),
  );
  return { info, tensors, metadata: info.metadata as unknown as Record<string, Record<string, unknown>> };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('the tiny reranker', () => {
  it("is laid out as llama.cpp's converter writes Qwen3-Reranker: qwen3, rank pooling, a yes/no head and a rerank template", async () => {
    const { info, tensors, metadata } = await read('ranker.gguf', { ranker: true });
    expect(info.metadata.general.architecture).toBe('qwen3');
    expect(info.metadata.general.name).toBe('Hearth tiny test model (1m, random weights, ranks)');
    // 4 is llama.cpp's LLAMA_POOLING_TYPE_RANK.
    expect(metadata.qwen3).toMatchObject({ pooling_type: 4, classifier: { output_labels: ['yes', 'no'] }, embedding_length: 128 });
    expect(RANKER_LABELS).toEqual(['yes', 'no']);
    expect(metadata.tokenizer!['chat_template.rerank']).toBe(RANK_TEMPLATE);
    expect(RANK_TEMPLATE).toContain('{query}');
    expect(RANK_TEMPLATE).toContain('{document}');
    expect(tensors.get('cls.output.weight')).toMatchObject({ dims: [128, 2], type: GGML_F32 });
    for (let l = 0; l < 4; l++) {
      expect(tensors.get(`blk.${l}.attn_q_norm.weight`)).toMatchObject({ dims: [32], type: GGML_F32 });
      expect(tensors.get(`blk.${l}.attn_k_norm.weight`)).toMatchObject({ dims: [32], type: GGML_F32 });
    }
    // llama.cpp's qwen3 loader takes the lm_head too (a reranker converted from a tied model keeps it).
    expect(tensors.has('output.weight')).toBe(true);
    expect(buildTinyModel({ ranker: true }).equals(buildTinyModel({ ranker: true }))).toBe(true);
  });

  it("keeps the chat model's weights when it favors no word, so the ranker is that network with a head", async () => {
    const plain = await read('plain.gguf', {});
    const ranker = await read('plain-ranker.gguf', { ranker: true });
    const added = [...ranker.tensors.keys()].filter((n) => !plain.tensors.has(n));
    expect(added.sort()).toEqual(
      ['cls.output.weight', ...[0, 1, 2, 3].flatMap((l) => [`blk.${l}.attn_k_norm.weight`, `blk.${l}.attn_q_norm.weight`])].sort(),
    );
    for (const [name, t] of plain.tensors) expect(ranker.tensors.get(name)?.data.equals(t.data), name).toBe(true);
  });

  it("reads a favored word with and without its leading space, and blanks block 0's queries so it attends to all alike", async () => {
    const { info, tensors } = await read('ranker-hearth.gguf', { ranker: true, favor: 'hearth' });
    const tokens = info.metadata.tokenizer.ggml.tokens;
    expect(tokens).toContain('\u2581hearth');
    expect(tokens).toContain('hearth');
    expect(info.metadata.general.name).toContain('favors "hearth", ranks');
    const norm = (name: string) => new Float32Array(new Uint8Array(tensors.get(name)!.data).buffer);
    expect([...norm('blk.0.attn_q_norm.weight')].every((v) => v === 0)).toBe(true);
    expect([...norm('blk.1.attn_q_norm.weight')].every((v) => v === 1)).toBe(true);
    // The chat model that favors the same word has no bare token: only a ranker reads text without the space.
    const chat = await read('says-hearth.gguf', { favor: 'hearth' });
    expect(chat.info.metadata.tokenizer.ggml.tokens).not.toContain('hearth');
  });

  it('refuses to be a reasoning model too', () => {
    expect(() => buildTinyModel({ ranker: true, reasoning: true })).toThrow(/does not reason/);
  });

  it('leaves every model written without the option byte for byte as it was before rankers existed', () => {
    expect(buildTinyModel({ ranker: false }).equals(buildTinyModel())).toBe(true);
    // Digests taken before the ranker was added.
    expect(sha256(buildTinyModel())).toBe('e7089dce55adc004ff1153cd6a3c85fb92e8b309d3c523ed6a908622cf3fcdec');
    expect(sha256(buildTinyModel({ favor: 'the' }))).toBe('11b611a80101cfc97eb144af2059c736d232d570bc054eba54dec9d0b25c3ebf');
    expect(sha256(buildTinyModel({ reasoning: true }))).toBe('17aab83105770cfb90c74bbd0d1c040f2ffc53e7d5c0a00cd1c85091b2008d01');
    expect(sha256(buildTinyModel({ favor: 'hearth', reasoning: true }))).toBe(
      'dda971a4674c4ffb4766351081f58ca26df7fb30711928256fed996f49174d05',
    );
  });
});
