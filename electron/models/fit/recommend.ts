import type { FitEstimate, QuantInfo } from '../../../shared/models';

export interface Candidate {
  quant: QuantInfo | null;
  fit: FitEstimate | null;
  sizeBytes: number;
}

/** The index of the quantization to recommend among a repository's files, or -1 when none fits. */
export function recommendIndex(_files: readonly Candidate[]): number {
  return -1;
}
