import { z } from 'zod';
import type { QuantInfo } from '../../../shared/models';
import data from './quantMeasurements.json';

/**
 * What a quantization costs, from llama.cpp's published measurements (quantMeasurements.json says where each number
 * comes from). The quality words follow the mean KL divergence against 16-bit weights, the measure llama.cpp ranks
 * its scoreboard by; the note gives the perplexity increase in percent, which, unlike perplexity itself, compares
 * across models. So a smaller model at Q8_0 (+0.04%) and a larger one at Q3_K_M (+10.5%) are set side by side on
 * the same scale. The numbers are Llama 3 8B's; newer models trained on more tokens lose more than older ones
 * (the same scoreboard: Llama 2 7B lost 1.4% at Q4_K_M where Llama 3 8B lost 2.8%), so they are a guide, not a
 * promise for every model.
 */

const Measured = z.object({
  bpw: z.number(),
  kld: z.number(),
  ppl: z.number(),
  imatrix: z.boolean().optional(),
  bpwDerived: z.boolean().optional(),
  reference: z.boolean().optional(),
});
const Table = z.object({
  basePerplexity: z.number(),
  quants: z.record(z.string(), Measured),
  unmeasured: z.record(z.string(), z.object({ bpw: z.number(), note: z.string() })),
});
const table = Table.parse(data);

const SOURCE = "llama.cpp's perplexity scoreboard";

/** Upper bounds of mean KL divergence for each quality word (the last, large-loss, has none). */
const TIERS: readonly [QuantInfo['quality'], number, string][] = [
  ['lossless', 0.001, 'No measurable loss'],
  ['near-lossless', 0.003, 'Near lossless'],
  ['very-small-loss', 0.012, 'Very small loss'],
  ['small-loss', 0.05, 'Small loss'],
  ['noticeable-loss', 0.15, 'Noticeable loss'],
  ['large-loss', Number.POSITIVE_INFINITY, 'Large loss'],
];

/** Names llama.cpp and the Hub use for the same type. */
const ALIASES: Record<string, string> = {
  Q4_K: 'Q4_K_M',
  Q3_K: 'Q3_K_M',
  Q5_K: 'Q5_K_M',
  FP16: 'F16',
  FP32: 'F32',
  ALL_F32: 'F32',
  MXFP4_MOE: 'MXFP4',
};

/**
 * Mixes sold under their own names, each built on a llama.cpp type with some tensors kept at higher precision
 * (bartowski's `_L`: embeddings and output at Q8_0; Unsloth's `_XL` and `UD-` dynamic quants): measured by nobody
 * in llama.cpp, so their base type's numbers stand as a floor.
 */
const MIX_BASES: Record<string, string> = {
  Q2_K_L: 'Q2_K',
  Q2_K_XL: 'Q2_K',
  Q3_K_XL: 'Q3_K_L',
  Q4_K_L: 'Q4_K_M',
  Q4_K_XL: 'Q4_K_M',
  Q5_K_L: 'Q5_K_M',
  Q5_K_XL: 'Q5_K_M',
  Q6_K_L: 'Q6_K',
  Q6_K_XL: 'Q6_K',
  Q8_K_XL: 'Q8_0',
};

/** ARM-repacked Q4_0 (the same weights in another layout), which llama.cpp now repacks on load itself. */
const REPACKED = /^Q4_0_(4_4|4_8|8_8)$/;

/** One type name, upper case, without GgufFileType's MOSTLY_ prefix, aliases resolved ("mostly_q4_k" -> Q4_K_M). */
export function normalizeQuantName(name: string): string {
  const upper = name
    .trim()
    .toUpperCase()
    .replace(/^MOSTLY_/, '');
  const dynamic = upper.startsWith('UD-');
  const bare = dynamic ? upper.slice(3) : upper;
  const resolved = ALIASES[bare] ?? bare;
  return dynamic ? `UD-${resolved}` : resolved;
}

// The quantization types as they appear in file names, longest alternatives first where one begins another.
const QUANT_TOKEN =
  /(?:^|[-._/\\\s])((?:UD-)?(?:IQ[1-4]_(?:XXS|XS|S|M|NL)|Q[2-8]_K(?:_(?:XL|L|M|S))?|Q[4-8]_[01](?:_[48]_[48])?|TQ[12]_0|MXFP4(?:_MOE)?|BF16|FP?16|FP?32))(?=$|[-._/\\\s])/gi;

/**
 * The quantization a GGUF file name carries, in the many spellings the Hub uses: "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf",
 * "llama-2-7b.q4_k_m.gguf", "gemma-2-9b-it-f16.gguf", "Q4_K_M/model-00001-of-00002.gguf",
 * "DeepSeek-R1-UD-Q4_K_XL-00001-of-00003.gguf". The last one in the name wins (a repository's name may carry
 * another). Null when the name says none.
 */
export function quantFromFileName(fileName: string): QuantInfo | null {
  const name = fileName.replace(/\.gguf$/i, '');
  let last: string | undefined;
  for (const m of name.matchAll(QUANT_TOKEN)) last = m[1];
  return last ? quantInfo(last) : null;
}

const pct = (n: number): string => {
  const v = (n / table.basePerplexity) * 100;
  return `${v < 1 ? v.toFixed(2) : v < 10 ? v.toFixed(1) : v.toFixed(0)}%`;
};
/** Two significant digits, never in exponent form (0.000025, 0.031, 2.2). */
const kld = (n: number): string => Number(n.toPrecision(2)).toFixed(Math.max(0, 1 - Math.floor(Math.log10(n))));

function tierOf(k: number): (typeof TIERS)[number] {
  return TIERS.find(([, max]) => k < max) ?? TIERS[TIERS.length - 1]!;
}

/** The measured loss of a llama.cpp type, as a sentence; null when llama.cpp has measured none. */
function measured(name: string): { quality: QuantInfo['quality']; bpw: number; text: string } | null {
  const m = table.quants[name];
  if (!m) return null;
  const [quality, , words] = tierOf(m.kld);
  const bits = `${m.bpw.toFixed(2)} bits per weight`;
  // The scoreboard measures everything against F16; F32 is the original it was made from.
  if (m.reference || name === 'F16')
    return {
      quality,
      bpw: m.bpw,
      text: `${words}: the original ${name === 'F16' ? '16' : '32'}-bit weights, the reference for the other types (${SOURCE}); ${bits}`,
    };
  const text =
    `${words}: perplexity +${pct(m.ppl)} and KL divergence ${kld(m.kld)} against ${name === 'BF16' ? 'F16' : '16-bit'} weights ` +
    `(Llama 3 8B, ${SOURCE}${m.imatrix ? ', with an importance matrix' : ''}); ${bits}`;
  return { quality, bpw: m.bpw, text };
}

/**
 * What a quantization costs against full precision, from llama.cpp's published perplexity and KL-divergence:
 * Q8_0 near lossless, Q6_K and Q5_K_M a very small loss, the Q4 and Q5 types a small one, Q4_0 and the Q3 types a
 * noticeable one, Q2_K and the 1- and 2-bit types a large one.
 */
export function quantInfo(name: string): QuantInfo {
  const normalized = normalizeQuantName(name);
  const dynamic = normalized.startsWith('UD-');
  const type = dynamic ? normalized.slice(3) : normalized;
  const base = MIX_BASES[type] ?? (REPACKED.test(type) ? 'Q4_0' : type);
  const m = measured(base);
  if (m && base === type && !dynamic) return { name: normalized, bitsPerWeight: m.bpw, quality: m.quality, note: `${m.text}.` };
  if (m) {
    const what = REPACKED.test(type)
      ? `Q4_0's weights repacked for ARM CPUs, so Q4_0's numbers`
      : `${dynamic ? 'An Unsloth Dynamic mix' : 'A mix'} built on ${base} with some tensors kept at higher precision; llama.cpp has not measured the mix, so these are ${base}'s numbers, a floor`;
    return { name: normalized, bitsPerWeight: REPACKED.test(type) ? m.bpw : null, quality: m.quality, note: `${what}. ${m.text}.` };
  }
  const known = table.unmeasured[type];
  if (known) return { name: normalized, bitsPerWeight: known.bpw, quality: 'unknown', note: known.note };
  return { name: normalized, bitsPerWeight: null, quality: 'unknown', note: `llama.cpp has published no measurement for ${normalized}.` };
}

/**
 * The bits a type's name promises (Q4_K_M: 4, IQ3_XXS: 3, F16: 16, TQ1_0: 1), or null for a name that is not a
 * type. The recommendation's "not below Q4" reads this rather than the measured bits per weight: a Q3_K_L file
 * averages 4.3 bits per weight, near IQ4_XS's 4.46, yet loses more than twice as much (KL divergence 0.087 vs 0.036).
 */
export function nominalBits(q: QuantInfo): number | null {
  const type = q.name.replace(/^UD-/, '');
  const m = /^(?:I?Q([1-8])_(?:K(?:_(?:XL|L|M|S))?|[01](?:_[48]_[48])?|XXS|XS|S|M|NL)|TQ([12])_0|B?F(16|32)|(MXFP4))$/.exec(type);
  if (!m) return null;
  if (m[4]) return 4;
  return Number(m[1] ?? m[2] ?? m[3]);
}

/**
 * The measured mean KL divergence of a quantization against 16-bit weights (its base type's for a mix, a floor),
 * or null where none is published. Finer than the quality word, for ranking within one.
 */
export function quantLoss(q: QuantInfo): number | null {
  const type = q.name.replace(/^UD-/, '');
  const base = MIX_BASES[type] ?? (REPACKED.test(type) ? 'Q4_0' : type);
  return table.quants[base]?.kld ?? null;
}

/** A sort key for the quality word, lower is better, with 'unknown' between small and noticeable loss. */
export function qualityRank(q: QuantInfo): number {
  if (q.quality === 'unknown') return 3.5;
  return TIERS.findIndex(([t]) => t === q.quality);
}
