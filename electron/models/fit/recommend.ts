import type { FitEstimate, QuantInfo } from '../../../shared/models';
import { nominalBits, qualityRank, quantLoss } from './quants';

export interface Candidate {
  quant: QuantInfo | null;
  fit: FitEstimate | null;
  sizeBytes: number;
}

/**
 * The index of the quantization to recommend among a repository's files, or -1 when none fits. The rule:
 *
 * 1. Only files that fit: an estimated fit that is not 'wont-fit'; a file whose fit is unknown is never
 *    recommended.
 * 2. Not below Q4 unless nothing else fits: the 4-bit types and up first (by the bits the type's name promises),
 *    then the other known types, then files whose quantization is unknown.
 * 3. All on the GPU first, where some file runs all on the GPU; else any placement.
 * 4. Then the best quality: the smallest measured loss (quants.ts). Above near-lossless nothing is measurable
 *    (Q8_0 against F16: KL divergence 0.0014), so among lossless and near-lossless files the smallest wins: Q8_0
 *    over F16, at half the memory and twice the speed. Equal loss (a mix and its base type): the larger file,
 *    which keeps more tensors at higher precision.
 */
export function recommendIndex(files: readonly Candidate[]): number {
  const fitting = files.map((c, i) => ({ c, i })).filter(({ c }) => c.fit !== null && c.fit.verdict !== 'wont-fit');
  const known = fitting.filter(({ c }) => c.quant !== null && nominalBits(c.quant) !== null);
  const atLeastQ4 = known.filter(({ c }) => (nominalBits(c.quant!) ?? 0) >= 4);
  const pool = atLeastQ4.length ? atLeastQ4 : known.length ? known : fitting;
  const onGpu = pool.filter(({ c }) => c.fit?.verdict === 'all-gpu');
  const chosen = (onGpu.length ? onGpu : pool).sort((a, b) => compare(a.c, b.c))[0];
  return chosen?.i ?? -1;
}

/** Best first. */
function compare(a: Candidate, b: Candidate): number {
  const ra = rank(a.quant);
  const rb = rank(b.quant);
  if (ra !== rb) return ra - rb;
  if (ra <= NEAR_LOSSLESS) return a.sizeBytes - b.sizeBytes;
  const la = a.quant ? (quantLoss(a.quant) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  const lb = b.quant ? (quantLoss(b.quant) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  if (la !== lb) return la < lb ? -1 : 1;
  return b.sizeBytes - a.sizeBytes;
}

const NEAR_LOSSLESS = 1;
const UNKNOWN_RANK = 10;

/** The quality word's rank, lossless counted as near-lossless; a file with no known quantization last. */
function rank(q: QuantInfo | null): number {
  if (!q) return UNKNOWN_RANK;
  return Math.max(NEAR_LOSSLESS, qualityRank(q));
}
