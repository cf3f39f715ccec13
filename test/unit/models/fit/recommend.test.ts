import { describe, expect, it } from 'vitest';
import type { FitEstimate } from '../../../../shared/models';
import { quantInfo } from '../../../../electron/models/fit/quants';
import { recommendIndex, type Candidate } from '../../../../electron/models/fit/recommend';

const GB = 1e9;

function fit(verdict: FitEstimate['verdict']): FitEstimate {
  return {
    verdict,
    label: verdict,
    contextSize: 4096,
    gpuLayers: 0,
    layers: 33,
    ramBytes: 0,
    vramBytes: 0,
    score: verdict === 'wont-fit' ? 0 : 0.8,
    tokensPerSecond: null,
  };
}

function file(quant: string | null, verdict: FitEstimate['verdict'] | null, sizeGb: number): Candidate {
  return { quant: quant ? quantInfo(quant) : null, fit: verdict ? fit(verdict) : null, sizeBytes: sizeGb * GB };
}

const pick = (files: Candidate[]): string | null => {
  const i = recommendIndex(files);
  return i < 0 ? null : (files[i]!.quant?.name ?? `#${i}`);
};

describe('recommendIndex', () => {
  it('picks the best quality that fits all on the GPU', () => {
    expect(
      pick([
        file('Q4_K_M', 'all-gpu', 4.9),
        file('Q5_K_M', 'all-gpu', 5.7),
        file('Q6_K', 'partial-gpu', 6.6),
        file('Q8_0', 'partial-gpu', 8.5),
      ]),
    ).toBe('Q5_K_M');
  });

  it('takes partial offload only when nothing at Q4 or better runs all on the GPU', () => {
    expect(pick([file('Q2_K', 'all-gpu', 3), file('Q4_K_M', 'partial-gpu', 4.9), file('Q6_K', 'partial-gpu', 6.6)])).toBe('Q6_K');
  });

  it('goes below Q4 only when nothing else fits, and then to the best of what does', () => {
    expect(pick([file('Q2_K', 'cpu-only', 3), file('IQ3_XXS', 'cpu-only', 3.3), file('Q4_K_M', 'wont-fit', 4.9)])).toBe('IQ3_XXS');
  });

  it('prefers Q8_0 to 16-bit files, whose extra quality nothing measures, at half the memory', () => {
    expect(
      pick([file('F16', 'cpu-only', 16), file('BF16', 'cpu-only', 16), file('Q8_0', 'cpu-only', 8.5), file('Q6_K', 'cpu-only', 6.6)]),
    ).toBe('Q8_0');
  });

  it('ranks by the measured loss within a quality word, and a mix above its base type', () => {
    expect(pick([file('Q4_K_S', 'all-gpu', 4.7), file('Q4_K_M', 'all-gpu', 4.9), file('IQ4_XS', 'all-gpu', 4.5)])).toBe('Q4_K_M');
    expect(pick([file('Q4_K_M', 'all-gpu', 4.9), file('UD-Q4_K_XL', 'all-gpu', 5.0)])).toBe('UD-Q4_K_XL');
  });

  it("never recommends a file that won't fit or whose fit is unknown", () => {
    expect(pick([file('Q4_K_M', 'wont-fit', 4.9), file('Q8_0', null, 8.5)])).toBeNull();
    expect(pick([])).toBeNull();
  });

  it('recommends a file of unknown quantization only when nothing known fits', () => {
    expect(pick([file(null, 'all-gpu', 4), file('Q3_K_M', 'cpu-only', 3.7)])).toBe('Q3_K_M');
    expect(pick([file(null, 'cpu-only', 4), file('Q4_K_M', 'wont-fit', 4.9)])).toBe('#0');
  });
});
