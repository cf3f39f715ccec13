/**
 * Writes a tiny GGUF v3 llama model with random weights and a real SentencePiece-style tokenizer, so tests,
 * benchmarks and the demo run the real node-llama-cpp without downloading anything. See README "Test model".
 * Dependency-free on purpose: it runs under plain tsx and inside vitest.
 */
import { writeFileSync } from 'node:fs';

export type TinyModelSize = '1m' | '28m' | '310m';

export interface TinyModelOptions {
  size?: TinyModelSize;
  /** A word the model emits forever under greedy decoding (" word word word ..."); omit for varied output. */
  favor?: string;
  seed?: number;
  contextLength?: number;
  name?: string;
  license?: string;
  /**
   * A reasoning model: `<think>` and `</think>` become control tokens and the chat template is Qwen3-style, its
   * generation prompt ending in `<think>\n`, so node-llama-cpp (JinjaTemplateChatWrapper) reads what follows as a
   * thought segment. A model that favours one word never writes `</think>` itself: give the generate job a thought
   * budget (`thoughtTokens`) and the answer follows the budget's last thought token.
   */
  reasoning?: boolean;
}

interface Shape {
  embd: number;
  layers: number;
  ff: number;
  vocab: number;
  heads: number;
}

const SHAPES: Record<TinyModelSize, Shape> = {
  '1m': { embd: 128, layers: 4, ff: 352, vocab: 512, heads: 4 },
  '28m': { embd: 512, layers: 8, ff: 1536, vocab: 1000, heads: 8 },
  '310m': { embd: 1024, layers: 24, ff: 2816, vocab: 1000, heads: 16 },
};

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * Qwen3's template, shortened: an answer after the last question shows its `reasoning_content` between `<think>\n`
 * and `\n</think>\n\n`, earlier answers lose theirs, and the generation prompt opens a thought. node-llama-cpp
 * renders it to find the thought segment and that it opens at the start of a response, so it resolves to
 * JinjaTemplateChatWrapper rather than ChatML.
 */
const REASONING_TEMPLATE =
  "{%- set ns = namespace(last_query=-1) %}{%- for message in messages %}{%- if message['role'] == 'user' %}" +
  '{%- set ns.last_query = loop.index0 %}{%- endif %}{%- endfor %}' +
  "{%- for message in messages %}{%- if message['role'] == 'assistant' %}{%- set content = message['content'] or '' %}" +
  "{%- if loop.index0 > ns.last_query and message['reasoning_content'] %}" +
  "{{- '<|im_start|>assistant\\n<think>\\n' + message['reasoning_content'] + '\\n</think>\\n\\n' + content + '<|im_end|>\\n' }}" +
  "{%- else %}{{- '<|im_start|>assistant\\n' + content + '<|im_end|>\\n' }}{%- endif %}" +
  "{%- else %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endif %}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n<think>\\n' }}{%- endif %}";

const THINK_TOKENS = ['<think>', '</think>'];

const WORDS = ['the', 'a', 'is', 'and', 'of', 'to', 'in', 'it', 'you', 'that', 'Hello', 'world', 'model', 'local', 'fire', 'hearth'];

// GGUF metadata value types and ggml tensor types used here.
const T_U32 = 4,
  T_I32 = 5,
  T_F32 = 6,
  T_BOOL = 7,
  T_STR = 8,
  T_ARR = 9,
  T_U64 = 10;
const GGML_F32 = 0,
  GGML_F16 = 1,
  GGML_Q8_0 = 8;
const ALIGN = 32;
const FAVOR_DIM = 0;
const TOKEN_NORMAL = 1,
  TOKEN_UNKNOWN = 2,
  TOKEN_CONTROL = 3,
  TOKEN_UNUSED = 5,
  TOKEN_BYTE = 6;

type MetaValue =
  | { t: 'u32' | 'i32' | 'f32' | 'u64'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'strs'; v: string[] }
  | { t: 'f32s'; v: number[] }
  | { t: 'i32s'; v: number[] };

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const r = this.length % ALIGN;
    if (r) this.push(Buffer.alloc(ALIGN - r));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeMeta(w: ByteWriter, key: string, m: MetaValue): void {
  w.str(key);
  switch (m.t) {
    case 'u32':
      w.u32(T_U32);
      w.u32(m.v);
      break;
    case 'i32':
      w.u32(T_I32);
      w.i32(m.v);
      break;
    case 'f32':
      w.u32(T_F32);
      w.f32(m.v);
      break;
    case 'u64':
      w.u32(T_U64);
      w.u64(m.v);
      break;
    case 'bool':
      w.u32(T_BOOL);
      w.push(Buffer.from([m.v ? 1 : 0]));
      break;
    case 'str':
      w.u32(T_STR);
      w.str(m.v);
      break;
    case 'strs':
      w.u32(T_ARR);
      w.u32(T_STR);
      w.u64(m.v.length);
      for (const s of m.v) w.str(s);
      break;
    case 'f32s':
      w.u32(T_ARR);
      w.u32(T_F32);
      w.u64(m.v.length);
      for (const n of m.v) w.f32(n);
      break;
    case 'i32s':
      w.u32(T_ARR);
      w.u32(T_I32);
      w.u64(m.v.length);
      for (const n of m.v) w.i32(n);
      break;
    default:
      m satisfies never;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** float32 -> IEEE half, round to nearest even. */
export function toHalf(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Quantizes rows of 32-multiples into Q8_0 blocks: fp16 scale then 32 int8 values. */
function quantizeQ8_0(values: Float32Array): Buffer {
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(values[b * 32 + i]!));
    const d = amax / 127;
    const inv = d ? 1 / d : 0;
    out.writeUInt16LE(toHalf(d), b * 34);
    for (let i = 0; i < 32; i++) out.writeInt8(Math.max(-127, Math.min(127, Math.round(values[b * 32 + i]! * inv))), b * 34 + 2 + i);
  }
  return out;
}

interface Tensor {
  name: string;
  dims: number[];
  type: number;
  data: Buffer;
}

function buildVocab(size: number, favor?: string, reasoning = false): { tokens: string[]; types: number[]; scores: number[] } {
  // The thinking controls come after the ChatML ones, so the ids before them stay as in a plain model.
  const tokens: string[] = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>', ...(reasoning ? THINK_TOKENS : [])];
  const types: number[] = [
    TOKEN_UNKNOWN,
    TOKEN_CONTROL,
    TOKEN_CONTROL,
    TOKEN_CONTROL,
    TOKEN_CONTROL,
    ...(reasoning ? [TOKEN_CONTROL, TOKEN_CONTROL] : []),
  ];
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  const seen = new Set(tokens);
  const add = (t: string): void => {
    if (!seen.has(t) && tokens.length < size) {
      seen.add(t);
      tokens.push(t);
      types.push(TOKEN_NORMAL);
    }
  };
  add('\u2581');
  for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c));
  // Whole words are reachable through their prefixes, the way SentencePiece merges left to right.
  for (const word of favor ? [favor, ...WORDS] : WORDS) {
    const piece = `\u2581${word}`;
    for (let i = 2; i <= piece.length; i++) add(piece.slice(0, i));
  }
  while (tokens.length < size) {
    const t = `<unused${tokens.length}>`;
    seen.add(t);
    tokens.push(t);
    types.push(TOKEN_UNUSED);
  }
  const scores = tokens.map((t, i) => (types[i] === TOKEN_NORMAL ? -i + t.length * 1000 : 0));
  return { tokens, types, scores };
}

/** A favoring model keeps its weights small so the held dimension dominates the final norm. */
const weightScale = (favor: string | undefined): number => (favor ? 0.02 : 0.2);

/** The model's general.name; a LoRA adapter names its base with it too (general.base_model.0.name). */
function tinyModelName(options: Pick<TinyModelOptions, 'size' | 'favor' | 'reasoning' | 'name'>): string {
  const { size = '1m', favor, reasoning } = options;
  return (
    options.name ?? `Hearth tiny test model (${size}, random weights${favor ? `, favors "${favor}"` : ''}${reasoning ? ', reasons' : ''})`
  );
}

/** Builds the GGUF file contents. Byte-identical for the same options. */
export function buildTinyModel(options: TinyModelOptions = {}): Buffer {
  const size = options.size ?? '1m';
  const shape = SHAPES[size];
  const seed = options.seed ?? 42;
  const ctx = options.contextLength ?? 4096;
  const { embd, layers, ff, heads } = shape;
  const headDim = embd / heads;
  const favor = options.favor;
  const reasoning = options.reasoning ?? false;
  const vocab = buildVocab(shape.vocab, favor, reasoning);
  const favorToken = favor ? vocab.tokens.indexOf(`\u2581${favor}`) : -1;
  if (favor && favorToken < 0) throw new Error(`favored word "${favor}" did not fit in the vocabulary`);

  const tensors: Tensor[] = [];
  const scale = weightScale(favor);
  const weights = (name: string, cols: number, rows: number, scale: number, edit?: (v: Float32Array) => void): void => {
    const rand = mulberry32(fnv1a(`${seed}:${name}`));
    const v = new Float32Array(cols * rows);
    for (let i = 0; i < v.length; i++) v[i] = (rand() * 2 - 1) * scale;
    edit?.(v);
    tensors.push({ name, dims: [cols, rows], type: GGML_Q8_0, data: quantizeQ8_0(v) });
  };
  const ones = (name: string): void => {
    const v = new Float32Array(embd).fill(1);
    tensors.push({ name, dims: [embd], type: GGML_F32, data: Buffer.from(v.buffer) });
  };
  // Favoring: residual dimension FAVOR_DIM is 1 in every embedding and nothing writes to it, and the output
  // row of the favored token reads it with a large weight, so greedy decoding picks that token every time.
  const zeroRow = (cols: number) => (v: Float32Array) => {
    if (favor) v.fill(0, FAVOR_DIM * cols, (FAVOR_DIM + 1) * cols);
  };
  weights('token_embd.weight', embd, shape.vocab, favor ? 0.05 : 1, (v) => {
    if (favor) for (let t = 0; t < shape.vocab; t++) v[t * embd + FAVOR_DIM] = 1;
  });
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    ones(`${p}attn_norm.weight`);
    weights(`${p}attn_q.weight`, embd, embd, scale);
    weights(`${p}attn_k.weight`, embd, headDim * heads, scale);
    weights(`${p}attn_v.weight`, embd, headDim * heads, scale);
    weights(`${p}attn_output.weight`, embd, embd, scale, zeroRow(embd));
    ones(`${p}ffn_norm.weight`);
    weights(`${p}ffn_gate.weight`, embd, ff, scale);
    weights(`${p}ffn_up.weight`, embd, ff, scale);
    weights(`${p}ffn_down.weight`, ff, embd, scale, zeroRow(ff));
  }
  ones('output_norm.weight');
  weights('output.weight', embd, shape.vocab, favor ? 0.1 : 0.5, (v) => {
    if (favorToken >= 0) v[favorToken * embd + FAVOR_DIM] = 50;
  });

  const meta: Array<[string, MetaValue]> = [
    ['general.architecture', { t: 'str', v: 'llama' }],
    ['general.name', { t: 'str', v: tinyModelName(options) }],
    ['general.license', { t: 'str', v: options.license ?? 'mit' }],
    ['general.alignment', { t: 'u32', v: ALIGN }],
    ['general.file_type', { t: 'u32', v: 7 }],
    ['llama.context_length', { t: 'u32', v: ctx }],
    ['llama.embedding_length', { t: 'u32', v: embd }],
    ['llama.block_count', { t: 'u32', v: layers }],
    ['llama.feed_forward_length', { t: 'u32', v: ff }],
    ['llama.attention.head_count', { t: 'u32', v: heads }],
    ['llama.attention.head_count_kv', { t: 'u32', v: heads }],
    ['llama.rope.dimension_count', { t: 'u32', v: headDim }],
    ['llama.attention.layer_norm_rms_epsilon', { t: 'f32', v: 1e-5 }],
    ['llama.vocab_size', { t: 'u32', v: shape.vocab }],
    ['tokenizer.ggml.model', { t: 'str', v: 'llama' }],
    ['tokenizer.ggml.tokens', { t: 'strs', v: vocab.tokens }],
    ['tokenizer.ggml.scores', { t: 'f32s', v: vocab.scores }],
    ['tokenizer.ggml.token_type', { t: 'i32s', v: vocab.types }],
    ['tokenizer.ggml.bos_token_id', { t: 'u32', v: 1 }],
    ['tokenizer.ggml.eos_token_id', { t: 'u32', v: 4 }],
    ['tokenizer.ggml.unknown_token_id', { t: 'u32', v: 0 }],
    ['tokenizer.ggml.add_bos_token', { t: 'bool', v: true }],
    ['tokenizer.ggml.add_eos_token', { t: 'bool', v: false }],
    ['tokenizer.chat_template', { t: 'str', v: reasoning ? REASONING_TEMPLATE : CHATML_TEMPLATE }],
  ];

  return serializeGguf(meta, tensors);
}

/** GGUF v3: header, metadata, tensor infos, padding to ALIGN, then each tensor's data padded to ALIGN. */
function serializeGguf(meta: Array<[string, MetaValue]>, tensors: Tensor[]): Buffer {
  const out = new ByteWriter();
  out.push(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(meta.length);
  for (const [k, v] of meta) writeMeta(out, k, v);
  let offset = 0;
  for (const t of tensors) {
    out.str(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(t.type);
    out.u64(offset);
    offset += Math.ceil(t.data.length / ALIGN) * ALIGN;
  }
  out.pad();
  for (const t of tensors) {
    out.push(t.data);
    out.pad();
  }
  return out.concat();
}

/** Writes the model to `file` and returns the path. */
export function writeTinyModel(file: string, options: TinyModelOptions = {}): string {
  writeFileSync(file, buildTinyModel(options));
  return file;
}

/** The weights of a block a LoRA adapter may adapt, by their GGUF names (llama.cpp's LLM_TENSOR names). */
export const LORA_TARGETS = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface TinyLoraOptions {
  /** The tiny model it adapts, as given to the model writer: the size sets the shapes, the rest the vocabulary. */
  base?: Pick<TinyModelOptions, 'size' | 'favor' | 'reasoning' | 'name'>;
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
  const shape = SHAPES[base.size ?? '1m'];
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
  const favorToken = options.favor ? buildVocab(shape.vocab, base.favor, base.reasoning).tokens.indexOf(`\u2581${options.favor}`) : -1;
  if (options.favor && !base.favor) throw new Error('an adapter can favor a word only over a base model that favors one');
  if (options.favor && favorToken < 0) throw new Error(`the word "${options.favor}" is not in the base model's vocabulary`);

  // What B·A adds, once scaled by alpha / rank, is about half the base's weights (in standard deviation): enough
  // to change what an unbiased model writes. A product of r uniform pairs in ±a has a standard deviation of
  // sqrt(r)·a²/3, so a follows from the target.
  const multiplier = alpha ? alpha / rank : 1;
  const target = weightScale(base.favor) / Math.sqrt(3) / 2;
  const amplitude = Math.sqrt((3 * target) / (multiplier * Math.sqrt(rank)));
  const encode = (v: Float32Array): { type: number; data: Buffer } => {
    if (type === 'f32') return { type: GGML_F32, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength) };
    const data = Buffer.alloc(v.length * 2);
    for (let i = 0; i < v.length; i++) data.writeUInt16LE(toHalf(v[i]!), i * 2);
    return { type: GGML_F16, data };
  };
  const tensors: Tensor[] = [];
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
        const rand = mulberry32(fnv1a(`${seed}:lora:${weight}`));
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

  const meta: Array<[string, MetaValue]> = [
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
