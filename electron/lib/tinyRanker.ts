/**
 * The reranker variant of the tiny test model (`ranker: true` in tinyModel.ts).
 *
 * Why Qwen3 and not llama: node-llama-cpp ranks only a file that holds a `cls.weight` or `cls.output.weight` tensor
 * (GgufInsights.supportsRanking), and llama.cpp reads a classification head only where an architecture's loader
 * creates one (bert, nomic-bert, jina-bert, modern-bert, neo-bert, qwen3, qwen3vl). Its llama loader creates none,
 * so a llama file that carries `cls.*` is refused ("done_getting_tensors: wrong number of tensors") and a llama
 * file without one is refused by node-llama-cpp. Qwen3 is llama plus an RMS norm on each head's queries and keys,
 * so the tiny model becomes a reranker the way llama.cpp's converter writes Qwen3-Reranker: architecture qwen3,
 * `qwen3.pooling_type` rank, labels ["yes", "no"], `cls.output.weight` [n_embd, 2] (the lm_head rows of "yes" and
 * "no"), and a rerank template. llama.cpp pools the last token, applies the head and a softmax over the two labels,
 * and node-llama-cpp reads the first, P(yes), as the score: always in [0, 1].
 *
 * A ranker that favors a word scores by how much the text mentions it, with weights set by hand:
 * - every token's embedding is 0 in MENTION_DIM except the word's (with and without its leading space), which
 *   hold MENTION;
 * - block 0's query norm is 0, so its attention is uniform: each position reads the mean of what came before;
 * - one value channel of block 0 reads MENTION_DIM, and its output writes that mean into SCORE_DIM, which no
 *   embedding and no other weight touches;
 * - the head reads SCORE_DIM alone, + for "yes" and - for "no".
 * So a query and document without the word score exactly 0.5, and the larger the word's share of all the tokens
 * read (template, query and document), the nearer to 1 (roughly: the final norm scales it by the rest of the state).
 */
import { GGML_F32, type GgufMetaValue, type GgufTensor } from './ggufWriter';
import { FAVOR_DIM, seededRandom, type TinyShape } from './tinyModelShape';

/** llama.cpp's LLAMA_POOLING_TYPE_RANK. */
const POOLING_RANK = 4;

/** Qwen3-Reranker's labels, in the order its converter writes the head's rows; the score is the first's probability. */
export const RANKER_LABELS = ['yes', 'no'];

/**
 * The rerank template (`tokenizer.chat_template.rerank`), Qwen3-Reranker's shortened: its system prompt alone would
 * be hundreds of the tiny vocabulary's byte tokens, and a favored word's share of the text is what scores.
 */
export const RANK_TEMPLATE = '<|im_start|>user\n<Query>: {query}\n<Document>: {document}<|im_end|>\n<|im_start|>assistant\n';

/** The favored word's value in the embedding dimension block 0's attention averages (FAVOR_DIM, as in chat). */
const MENTION = 4;
const MENTION_DIM = FAVOR_DIM;
/** The residual dimension that holds the mean mention, written once by block 0 and read by the head. */
const SCORE_DIM = FAVOR_DIM + 1;
/** The value channel (head 0's first) that carries MENTION_DIM through block 0's attention. */
const VALUE_DIM = 0;
/** Block 0's output gain into SCORE_DIM, and the head's weight on it. */
const GAIN = 8;
const HEAD = 1;
/** The unfavoring head's random weights: scores spread over about 0.2 to 0.8 rather than sitting at 0 or 1. */
const HEAD_SCALE = 0.1;

export interface TinyRankerPlan {
  /** Changes a weight matrix of the base model, by its GGUF name, before it is quantized. */
  edit(name: string, values: Float32Array, cols: number): void;
  /** The query and key norms a qwen3 block has and a llama block lacks. */
  blockNorms(layer: number): GgufTensor[];
  /** `cls.output.weight`: the head over RANKER_LABELS. */
  head(): GgufTensor;
  /** The metadata a reranker adds after the tokenizer's. */
  meta: Array<[string, GgufMetaValue]>;
}

const f32 = (name: string, dims: number[], values: Float32Array): GgufTensor => ({
  name,
  dims,
  type: GGML_F32,
  data: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
});

/** The reranker's changes to a tiny model of `shape`; `favorTokens` are the favored word's ids (none: no word). */
export function tinyRankerPlan(shape: TinyShape, seed: number, favorTokens: readonly number[]): TinyRankerPlan {
  const { embd, heads } = shape;
  const headDim = embd / heads;
  const favors = favorTokens.length > 0;
  const setRow = (values: Float32Array, cols: number, row: number, col: number, value: number): void => {
    values.fill(0, row * cols, (row + 1) * cols);
    if (col >= 0) values[row * cols + col] = value;
  };

  return {
    edit(name, values, cols) {
      if (!favors) return;
      if (name === 'token_embd.weight') {
        for (let t = 0; t * cols < values.length; t++) {
          values[t * cols + MENTION_DIM] = favorTokens.includes(t) ? MENTION : 0;
          values[t * cols + SCORE_DIM] = 0;
        }
      } else if (name === 'blk.0.attn_v.weight') {
        setRow(values, cols, VALUE_DIM, MENTION_DIM, 1);
      } else if (name === 'blk.0.attn_output.weight') {
        setRow(values, cols, SCORE_DIM, VALUE_DIM, GAIN);
      } else if (name.endsWith('.attn_output.weight') || name.endsWith('.ffn_down.weight')) {
        setRow(values, cols, SCORE_DIM, -1, 0);
      }
    },
    blockNorms(layer) {
      // A zero query norm zeroes every query of block 0, so its attention weighs every position alike.
      const q = new Float32Array(headDim).fill(favors && layer === 0 ? 0 : 1);
      return [
        f32(`blk.${layer}.attn_q_norm.weight`, [headDim], q),
        f32(`blk.${layer}.attn_k_norm.weight`, [headDim], new Float32Array(headDim).fill(1)),
      ];
    },
    head() {
      const v = new Float32Array(embd * RANKER_LABELS.length);
      if (favors) {
        v[SCORE_DIM] = HEAD;
        v[embd + SCORE_DIM] = -HEAD;
      } else {
        const rand = seededRandom(`${seed}:cls.output.weight`);
        for (let i = 0; i < v.length; i++) v[i] = (rand() * 2 - 1) * HEAD_SCALE;
      }
      return f32('cls.output.weight', [embd, RANKER_LABELS.length], v);
    },
    meta: [
      ['qwen3.pooling_type', { t: 'u32', v: POOLING_RANK }],
      ['qwen3.classifier.output_labels', { t: 'strs', v: RANKER_LABELS }],
      ['tokenizer.chat_template.rerank', { t: 'str', v: RANK_TEMPLATE }],
    ],
  };
}
