/**
 * `npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>] [--seed <n>] [--reasoning | --ranker]`
 * `npm run tiny-model -- --lora --out <adapter.gguf> [base: --size --favor --reasoning] [--lora-favor <word>] [--rank <n>]
 *   [--alpha <n>] [--layers 0,1] [--targets attn_q,attn_v,...] [--lora-type f32|f16] [--arch <name>] [--seed <n>]`
 */
import { parseArgs } from 'node:util';
import { LORA_TARGETS, type LoraTarget, writeTinyLora } from '../electron/lib/tinyLora';
import { type TinyModelSize, writeTinyModel } from '../electron/lib/tinyModel';

const USAGE = [
  'usage: npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>] [--seed <n>] [--reasoning | --ranker]',
  '         --ranker: a reranker for the ranking slot; with --favor, texts that mention the word score higher',
  '       npm run tiny-model -- --lora --out <adapter.gguf> [--size 1m|28m|310m] [--favor <base word>] [--reasoning]',
  '         [--lora-favor <word>] [--rank <n>] [--alpha <n>] [--layers 0,1,...] [--targets attn_q,attn_v,...]',
  '         [--lora-type f32|f16] [--arch <name>] [--seed <n>]',
  `       targets: ${LORA_TARGETS.join(', ')}`,
].join('\n');
const SIZES: readonly string[] = ['1m', '28m', '310m'];

function fail(why: string): never {
  console.error(`${why}\n${USAGE}`);
  process.exit(2);
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) fail(`--${name} must be a number`);
  return n;
}

function isTarget(s: string): s is LoraTarget {
  return (LORA_TARGETS as readonly string[]).includes(s);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    size: { type: 'string', default: '1m' },
    favor: { type: 'string' },
    seed: { type: 'string' },
    // <think> segments through a Qwen3-style template; it leaves its thoughts only under a thought budget.
    reasoning: { type: 'boolean', default: false },
    // A reranker (Qwen3-Reranker's layout) for node-llama-cpp's ranking context, instead of a chat model.
    ranker: { type: 'boolean', default: false },
    // A LoRA adapter for the base model that --size, --favor and --reasoning describe, instead of the model.
    lora: { type: 'boolean', default: false },
    'lora-favor': { type: 'string' },
    rank: { type: 'string' },
    alpha: { type: 'string' },
    layers: { type: 'string' },
    targets: { type: 'string' },
    'lora-type': { type: 'string' },
    arch: { type: 'string' },
  },
});
if (!values.out) fail('--out is required');
const size = values.size ?? '1m';
if (!SIZES.includes(size)) fail(`--size must be one of ${SIZES.join(', ')}`);
const base = {
  size: size as TinyModelSize,
  ...(values.favor ? { favor: values.favor } : {}),
  ...(values.reasoning ? { reasoning: true } : {}),
};
const seed = number('seed', values.seed);
if (values.ranker && (values.lora || values.reasoning)) fail('--ranker makes a reranker: it takes neither --lora nor --reasoning');

if (values.lora) {
  const targets = values.targets?.split(',').map((t) => t.trim());
  if (targets && !targets.every(isTarget)) fail(`--targets takes some of: ${LORA_TARGETS.join(', ')}`);
  const type = values['lora-type'];
  if (type !== undefined && type !== 'f32' && type !== 'f16') fail('--lora-type must be f32 or f16');
  const rank = number('rank', values.rank);
  const alpha = number('alpha', values.alpha);
  try {
    const file = writeTinyLora(values.out, {
      base,
      ...(values['lora-favor'] ? { favor: values['lora-favor'] } : {}),
      ...(rank !== undefined ? { rank } : {}),
      ...(alpha !== undefined ? { alpha } : {}),
      ...(values.layers ? { layers: values.layers.split(',').map((l) => number('layers', l) ?? -1) } : {}),
      ...(targets ? { targets: targets.filter(isTarget) } : {}),
      ...(type ? { type } : {}),
      ...(values.arch ? { architecture: values.arch } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    console.log(`wrote ${file} (a LoRA adapter with random weights for the ${size} tiny model: a test adapter, not a real one)`);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
} else {
  const file = writeTinyModel(values.out, { ...base, ...(values.ranker ? { ranker: true } : {}), ...(seed !== undefined ? { seed } : {}) });
  const kind = values.reasoning ? ', reasoning' : values.ranker ? `, a reranker${values.favor ? ` for "${values.favor}"` : ''}` : '';
  console.log(`wrote ${file} (random weights${kind}: a test model, not a real one)`);
}
