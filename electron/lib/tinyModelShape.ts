/**
 * What the tiny test model and a LoRA adapter for it must agree on: the options that describe a tiny model, its
 * shapes, its vocabulary, its name, the scale of its weights, the residual dimension a favoring model holds, and
 * the seeded random numbers its weights come from. Here so that both writers import it and neither imports the other.
 */

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
  /**
   * A reranker, laid out as llama.cpp's converter writes Qwen3-Reranker (see tinyRanker.ts): architecture qwen3,
   * rank pooling, a `cls.output` head over the labels yes and no, and a rerank template, so node-llama-cpp's
   * LlamaRankingContext accepts it. With `favor`, a pair scores higher the larger the share of the word in the query
   * and document together, and exactly 0.5 when neither has it; without, its scores are arbitrary but fixed.
   */
  ranker?: boolean;
}

/** The options that name a tiny model and fix its vocabulary and shapes: what an adapter needs of its base. */
export type TinyModelBase = Pick<TinyModelOptions, 'size' | 'favor' | 'reasoning' | 'name'>;

export interface TinyShape {
  embd: number;
  layers: number;
  ff: number;
  vocab: number;
  heads: number;
}

export const TINY_SHAPES: Record<TinyModelSize, TinyShape> = {
  '1m': { embd: 128, layers: 4, ff: 352, vocab: 512, heads: 4 },
  '28m': { embd: 512, layers: 8, ff: 1536, vocab: 1000, heads: 8 },
  '310m': { embd: 1024, layers: 24, ff: 2816, vocab: 1000, heads: 16 },
};

/**
 * The residual dimension a favoring model holds at 1 in every embedding and never writes to, so an output row that
 * reads it picks one token every time.
 */
export const FAVOR_DIM = 0;

const THINK_TOKENS = ['<think>', '</think>'];

const WORDS = ['the', 'a', 'is', 'and', 'of', 'to', 'in', 'it', 'you', 'that', 'Hello', 'world', 'model', 'local', 'fire', 'hearth'];

// llama.cpp's token types (tokenizer.ggml.token_type).
const TOKEN_NORMAL = 1,
  TOKEN_UNKNOWN = 2,
  TOKEN_CONTROL = 3,
  TOKEN_UNUSED = 5,
  TOKEN_BYTE = 6;

export interface TinyVocab {
  tokens: string[];
  types: number[];
  scores: number[];
}

/**
 * The SentencePiece-style vocabulary of `size` tokens: controls, the 256 byte tokens, ASCII, then word prefixes.
 * With `bare`, the favored word is also a token without its leading space (a ranker's), so it is one token at the
 * start of a text tokenized without the space SentencePiece adds, as node-llama-cpp tokenizes a query and a document.
 */
export function buildTinyVocab(size: number, favor?: string, reasoning = false, bare = false): TinyVocab {
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
  if (bare && favor) for (let i = 2; i <= favor.length; i++) add(favor.slice(0, i));
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
export const weightScale = (favor: string | undefined): number => (favor ? 0.02 : 0.2);

/** The model's general.name; a LoRA adapter names its base with it too (general.base_model.0.name). */
export function tinyModelName(options: TinyModelBase & Pick<TinyModelOptions, 'ranker'>): string {
  const { size = '1m', favor, reasoning, ranker } = options;
  return (
    options.name ??
    `Hearth tiny test model (${size}, random weights${favor ? `, favors "${favor}"` : ''}${reasoning ? ', reasons' : ''}${ranker ? ', ranks' : ''})`
  );
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

/**
 * Uniform numbers in [0, 1) seeded by a key (the seed and the tensor's name), so each tensor's weights depend on
 * nothing else: adding a tensor or reordering them leaves the others' bytes alone.
 */
export function seededRandom(key: string): () => number {
  return mulberry32(fnv1a(key));
}
