import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { FitEstimate } from '../../../../../shared/models';
import { FitVerdict } from '../../../../../renderer/features/models/common/FitVerdict';

const fit: FitEstimate = {
  verdict: 'partial-gpu',
  label: '20 of 33 layers on GPU',
  contextSize: 4096,
  gpuLayers: 20,
  layers: 33,
  ramBytes: 2_100_000_000,
  vramBytes: 3_900_000_000,
  score: 0.7,
  tokensPerSecond: { low: 9, high: 14, source: 'RTX 3060 from the table of known GPUs' },
};
const html = (f: FitEstimate | null, error?: string): string =>
  renderToStaticMarkup(createElement(FitVerdict, { fit: f, error: error ?? null }));

describe("a quantization's fit on this machine", () => {
  it('gives the verdict, the memory on each side at the context size, and the expected speed with its source', () => {
    const out = html(fit);
    expect(out).toContain('data-verdict="partial-gpu"');
    expect(out).toContain('20 of 33 layers on GPU');
    expect(out).toContain('3.9 GB GPU + 2.1 GB RAM at 4,096 tokens of context');
    expect(out).toContain('about 9–14 tokens/s');
    expect(out).toContain('RTX 3060 from the table of known GPUs');
  });

  it("gives no speed for a model that won't fit, and says why a fit is not known", () => {
    const out = html({ ...fit, verdict: 'wont-fit', label: "Won't fit: needs 9.1 GB, 6.2 GB free" });
    expect(out).toContain('Won&#x27;t fit: needs 9.1 GB, 6.2 GB free');
    expect(out).not.toContain('tokens/s');
    expect(html(null, 'the header could not be read')).toContain('Fit not known: the header could not be read');
  });
});
