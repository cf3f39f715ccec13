/**
 * Writes a LoRA adapter GGUF with random weights for a tiny test model (tinyModel.ts), so tests exercise
 * node-llama-cpp's real LoRA loading without downloading an adapter. Dependency-free, like the model writer.
 */
import { writeFileSync } from 'node:fs';
import { GGML_F16, GGML_F32, type GgufMetaValue, type GgufTensor, serializeGguf, toHalfBuffer } from './ggufWriter';
import { buildTinyVocab, FAVOR_DIM, seededRandom, TINY_SHAPES, type TinyModelBase, tinyModelName, weightScale } from './tinyModelShape';

/** The weights of a block a LoRA adapter may adapt, by their GGUF names (llama.cpp's LLM_TENSOR names). */
export const LORA_TARGETS = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface TinyLoraOptions {
  /** The tiny model it adapts, as given to the model writer: the size sets the shapes, the rest the vocabulary. */
  base?: TinyModelBase;
  /** The adapter's rank r: each adapted weight W [in, out] gains B·A with A [in, r] and B [r, out]. Default 8. */
  rank?: number;
  /** adapter.lora.alpha: llama.cpp multiplies B·A by scale · alpha / rank (by scale alone when alpha is 0). Default 2·rank. */
  alpha?: number;
  /** The blocks it adapts; default all of the base's. */
  layers?: number[];
  /** The weights it adapts in each block; default attn_q and attn_v (PEFT's default for llama). */
  targets?: LoraTarget[];
  /**
   * A word of the base's vocabulary that greedy decoding writes instead of the base's favored word when the
   * adapter is applied at a scale above about 0.5 (below that the base's word still wins). Needs a base that
   * favors a word: the push reads the residual dimension that base holds constant.
   */
  favor?: string;
  seed?: number;
  /** The tensors' type: F32 (llama.cpp's converter's default) or F16. */
  type?: 'f32' | 'f16';
  /** general.architecture; another than the base's ("qwen2") makes an adapter llama.cpp refuses for it. */
  architecture?: string;
  name?: string;
}

/** How much the adapter's word gains, in logit per unit of the held dimension, at scale 1: twice the base's 50. */
const LORA_PUSH = 100;

/**
 * Builds a LoRA adapter GGUF for a tiny model, laid out as llama.cpp's convert_lora_to_gguf.py writes one:
 * general.type "adapter", adapter.type "lora", adapter.lora.alpha, and for each adapted weight `<name>.lora_a`
 * [in, r] and `<name>.lora_b` [r, out] (ggml order, row length first). Byte-identical for the same options.
 */
export function buildTinyLora(options: TinyLoraOptions = {}): Buffer {
  const base = options.base ?? {};
  const shape = TINY_SHAPES[base.size ?? '1m'];
  const { embd, ff } = shape;
  const rank = options.rank ?? 8;
  const alpha = options.alpha ?? 2 * rank;
  const layers = options.layers ?? Array.from({ length: shape.layers }, (_, l) => l);
  const targets = options.targets ?? ['attn_q', 'attn_v'];
  const seed = options.seed ?? 42;
  const type = options.type ?? 'f32';
  if (!Number.isInteger(rank) || rank < 1 || rank > Math.min(embd, 64))
    throw new Error(`rank must be a whole number from 1 to ${Math.min(embd, 64)}`);
  if (!Number.isFinite(alpha) || alpha < 0) throw new Error('alpha must be zero or more');
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= shape.layers) throw new Error(`layer ${l} is not in the base model (it has ${shape.layers})`);
  }
  for (const t of targets) if (!LORA_TARGETS.includes(t)) throw new Error(`"${t}" is not a weight a LoRA can adapt here`);
  const favorToken = options.favor ? buildTinyVocab(shape.vocab, base.favor, base.reasoning).tokens.indexOf(`\u2581${options.favor}`) : -1;
  if (options.favor && !base.favor) throw new Error('an adapter can favor a word only over a base model that favors one');
  if (options.favor && favorToken < 0) throw new Error(`the word "${options.favor}" is not in the base model's vocabulary`);

  // What B·A adds, once scaled by alpha / rank, is about half the base's weights (in standard deviation): enough
  // to change what an unbiased model writes. A product of r uniform pairs in ±a has a standard deviation of
  // sqrt(r)·a²/3, so a follows from the target.
  const multiplier = alpha ? alpha / rank : 1;
  const target = weightScale(base.favor) / Math.sqrt(3) / 2;
  const amplitude = Math.sqrt((3 * target) / (multiplier * Math.sqrt(rank)));
  const encode = (v: Float32Array): { type: number; data: Buffer } =>
    type === 'f32'
      ? { type: GGML_F32, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength) }
      : { type: GGML_F16, data: toHalfBuffer(v) };
  const tensors: GgufTensor[] = [];
  const pair = (weight: string, rows: number, cols: number, fill: (a: Float32Array, b: Float32Array) => void): void => {
    const a = new Float32Array(rows * rank);
    const b = new Float32Array(rank * cols);
    fill(a, b);
    tensors.push({ name: `${weight}.lora_a`, dims: [rows, rank], ...encode(a) });
    tensors.push({ name: `${weight}.lora_b`, dims: [rank, cols], ...encode(b) });
  };
  const dims: Record<LoraTarget, [number, number]> = {
    attn_q: [embd, embd],
    attn_k: [embd, embd],
    attn_v: [embd, embd],
    attn_output: [embd, embd],
    ffn_gate: [embd, ff],
    ffn_up: [embd, ff],
    ffn_down: [ff, embd],
  };
  for (const l of [...new Set(layers)].sort((x, y) => x - y)) {
    for (const t of LORA_TARGETS.filter((x) => targets.includes(x))) {
      const weight = `blk.${l}.${t}.weight`;
      const [rows, cols] = dims[t];
      pair(weight, rows, cols, (a, b) => {
        const rand = seededRandom(`${seed}:lora:${weight}`);
        for (let i = 0; i < a.length; i++) a[i] = (rand() * 2 - 1) * amplitude;
        for (let i = 0; i < b.length; i++) b[i] = (rand() * 2 - 1) * amplitude;
        // Over a favoring base, what writes to the residual stream leaves the held dimension alone, as the base does.
        if (base.favor && (t === 'attn_output' || t === 'ffn_down')) b.fill(0, FAVOR_DIM * rank, (FAVOR_DIM + 1) * rank);
      });
    }
  }
  if (favorToken >= 0) {
    // Rank one of the output head: A reads the held dimension, B writes it to the favored word's logit.
    pair('output.weight', embd, shape.vocab, (a, b) => {
      a[FAVOR_DIM] = 1;
      b[favorToken * rank] = LORA_PUSH / multiplier;
    });
  }

  const meta: Array<[string, GgufMetaValue]> = [
    ['general.architecture', { t: 'str', v: options.architecture ?? 'llama' }],
    ['general.type', { t: 'str', v: 'adapter' }],
    [
      'general.name',
      { t: 'str', v: options.name ?? `Hearth tiny test LoRA (rank ${rank}${options.favor ? `, favors "${options.favor}"` : ''})` },
    ],
    ['general.base_model.count', { t: 'u32', v: 1 }],
    ['general.base_model.0.name', { t: 'str', v: tinyModelName(base) }],
    ['adapter.type', { t: 'str', v: 'lora' }],
    ['adapter.lora.alpha', { t: 'f32', v: alpha }],
    ['general.quantization_version', { t: 'u32', v: 2 }],
  ];
  return serializeGguf(meta, tensors);
}

/** Writes the adapter to `file` and returns the path. */
export function writeTinyLora(file: string, options: TinyLoraOptions = {}): string {
  writeFileSync(file, buildTinyLora(options));
  return file;
}
