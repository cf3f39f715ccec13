import { describe, expect, it } from 'vitest';
import type { FitEstimate, HubFile } from '../../../../../shared/models';
import { fileForEntry } from '../../../../../renderer/features/models/firstRun/fileForEntry';

const fit = (verdict: FitEstimate['verdict']): FitEstimate => ({
  verdict,
  label: verdict,
  contextSize: 4096,
  gpuLayers: 0,
  layers: 10,
  ramBytes: 1,
  vramBytes: 0,
  score: 1,
  tokensPerSecond: null,
});
const file = (name: string, over: Partial<HubFile> = {}): HubFile => ({
  path: `m-${name}.gguf`,
  parts: [`m-${name}.gguf`],
  sizeBytes: 1,
  sha256: ['0'.repeat(64)],
  quant: { name, bitsPerWeight: null, quality: 'unknown', note: '' },
  fit: fit('cpu-only'),
  fitError: null,
  recommended: false,
  downloaded: false,
  ...over,
});

describe("a catalog model's one-click download takes", () => {
  it("the catalog's suggested quantization when the repository has it and it fits", () => {
    const files = [file('Q8_0', { recommended: true }), file('Q4_K_M')];
    expect(fileForEntry({ quant: 'q4_k_m' }, { files })?.path).toBe('m-Q4_K_M.gguf');
  });

  it("the recommended one when the suggestion won't fit or is missing, else the first", () => {
    expect(
      fileForEntry({ quant: 'Q8_0' }, { files: [file('Q8_0', { fit: fit('wont-fit') }), file('Q4_K_M', { recommended: true })] })?.path,
    ).toBe('m-Q4_K_M.gguf');
    expect(fileForEntry({ quant: 'Q5_K_M' }, { files: [file('Q8_0'), file('Q4_K_M', { recommended: true })] })?.path).toBe('m-Q4_K_M.gguf');
    expect(fileForEntry({ quant: 'Q5_K_M' }, { files: [file('Q8_0'), file('Q4_K_M')] })?.path).toBe('m-Q8_0.gguf');
    expect(fileForEntry({ quant: 'Q5_K_M' }, { files: [] })).toBeUndefined();
  });
});
