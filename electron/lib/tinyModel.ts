/**
 * Writes a tiny GGUF v3 llama model with random weights and a real SentencePiece-style tokenizer, so tests,
 * benchmarks and the demo run the real node-llama-cpp without downloading anything. See README "Test model".
 * Dependency-free on purpose: it runs under plain tsx and inside vitest.
 */
import { writeFileSync } from 'node:fs';
import { GGML_F32, GGML_Q8_0, GGUF_ALIGNMENT, type GgufMetaValue, type GgufTensor, quantizeQ8_0, serializeGguf } from './ggufWriter';
import { buildTinyVocab, FAVOR_DIM, seededRandom, TINY_SHAPES, type TinyModelOptions, tinyModelName, weightScale } from './tinyModelShape';
import { tinyRankerPlan } from './tinyRanker';

// Everything the writers export stays importable from here, where callers have always found it.
export { toHalf } from './ggufWriter';
export { buildTinyLora, LORA_TARGETS, type LoraTarget, type TinyLoraOptions, writeTinyLora } from './tinyLora';
export type { TinyModelOptions, TinyModelSize } from './tinyModelShape';
export { RANK_TEMPLATE, RANKER_LABELS } from './tinyRanker';

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

/** Builds the GGUF file contents. Byte-identical for the same options. */
export function buildTinyModel(options: TinyModelOptions = {}): Buffer {
  const size = options.size ?? '1m';
  const shape = TINY_SHAPES[size];
  const seed = options.seed ?? 42;
  const ctx = options.contextLength ?? 4096;
  const { embd, layers, ff, heads } = shape;
  const headDim = embd / heads;
  const reasoning = options.reasoning ?? false;
  if (options.ranker && reasoning) throw new Error('a ranker does not reason: ask for ranker or reasoning, not both');
  const vocab = buildTinyVocab(shape.vocab, options.favor, reasoning, options.ranker);
  const favorToken = options.favor ? vocab.tokens.indexOf(`\u2581${options.favor}`) : -1;
  const bareToken = options.favor && options.ranker ? vocab.tokens.indexOf(options.favor) : favorToken;
  if (options.favor && (favorToken < 0 || bareToken < 0)) throw new Error(`favored word "${options.favor}" did not fit in the vocabulary`);
  // A ranker favors a word in what it reads, not in what it writes: the chat model's favoring stays out of it.
  const ranker = options.ranker ? tinyRankerPlan(shape, seed, favorToken < 0 ? [] : [favorToken, bareToken]) : null;
  const favor = ranker ? undefined : options.favor;
  const arch = ranker ? 'qwen3' : 'llama';

  const tensors: GgufTensor[] = [];
  const scale = weightScale(favor);
  const weights = (name: string, cols: number, rows: number, scale: number, edit?: (v: Float32Array) => void): void => {
    const rand = seededRandom(`${seed}:${name}`);
    const v = new Float32Array(cols * rows);
    for (let i = 0; i < v.length; i++) v[i] = (rand() * 2 - 1) * scale;
    edit?.(v);
    ranker?.edit(name, v, cols);
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
    if (ranker) tensors.push(...ranker.blockNorms(l));
  }
  ones('output_norm.weight');
  weights('output.weight', embd, shape.vocab, favor ? 0.1 : 0.5, (v) => {
    if (favor) v[favorToken * embd + FAVOR_DIM] = 50;
  });
  if (ranker) tensors.push(ranker.head());

  const meta: Array<[string, GgufMetaValue]> = [
    ['general.architecture', { t: 'str', v: arch }],
    ['general.name', { t: 'str', v: tinyModelName(options) }],
    ['general.license', { t: 'str', v: options.license ?? 'mit' }],
    ['general.alignment', { t: 'u32', v: GGUF_ALIGNMENT }],
    ['general.file_type', { t: 'u32', v: 7 }],
    [`${arch}.context_length`, { t: 'u32', v: ctx }],
    [`${arch}.embedding_length`, { t: 'u32', v: embd }],
    [`${arch}.block_count`, { t: 'u32', v: layers }],
    [`${arch}.feed_forward_length`, { t: 'u32', v: ff }],
    [`${arch}.attention.head_count`, { t: 'u32', v: heads }],
    [`${arch}.attention.head_count_kv`, { t: 'u32', v: heads }],
    [`${arch}.rope.dimension_count`, { t: 'u32', v: headDim }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { t: 'f32', v: 1e-5 }],
    [`${arch}.vocab_size`, { t: 'u32', v: shape.vocab }],
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
    ...(ranker?.meta ?? []),
  ];

  return serializeGguf(meta, tensors);
}

/** Writes the model to `file` and returns the path. */
export function writeTinyModel(file: string, options: TinyModelOptions = {}): string {
  writeFileSync(file, buildTinyModel(options));
  return file;
}
