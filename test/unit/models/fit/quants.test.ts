import { describe, expect, it } from 'vitest';
import { nominalBits, normalizeQuantName, quantFromFileName, quantInfo, quantLoss } from '../../../../electron/models/fit/quants';

describe('quantFromFileName', () => {
  it.each([
    ['Qwen2.5-0.5B-Instruct-Q4_K_M.gguf', 'Q4_K_M'],
    ['llama-2-7b-chat.q4_k_m.gguf', 'Q4_K_M'],
    ['mistral-7b-instruct-v0.2.Q5_K_S.gguf', 'Q5_K_S'],
    ['ggml-model-q8_0.gguf', 'Q8_0'],
    ['gemma-2-9b-it-f16.gguf', 'F16'],
    ['Meta-Llama-3-8B-Instruct.fp16.gguf', 'F16'],
    ['model-BF16.gguf', 'BF16'],
    ['model_f32.gguf', 'F32'],
    ['Meta-Llama-3.1-8B-Instruct-IQ3_XXS.gguf', 'IQ3_XXS'],
    ['Mistral-7B-Instruct-v0.3.IQ4_NL.gguf', 'IQ4_NL'],
    ['Llama-3.2-1B-Instruct-Q4_0_4_4.gguf', 'Q4_0_4_4'],
    ['bitnet-b1.58-2B-4T-TQ1_0.gguf', 'TQ1_0'],
    ['gpt-oss-20b-mxfp4.gguf', 'MXFP4'],
    ['DeepSeek-R1-UD-Q4_K_XL-00001-of-00003.gguf', 'UD-Q4_K_XL'],
    ['Qwen3-30B-A3B-UD-IQ1_S.gguf', 'UD-IQ1_S'],
    ['Meta-Llama-3.1-70B-Instruct-Q6_K_L.gguf', 'Q6_K_L'],
    ['qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf', 'Q4_K_M'],
    ['Q4_K_M/Qwen3-235B-A22B-Q4_K_M-00001-of-00003.gguf', 'Q4_K_M'],
    ['phi-2.Q3_K.gguf', 'Q3_K_M'],
  ])('reads %s as %s', (file, name) => {
    expect(quantFromFileName(file)?.name).toBe(name);
  });

  it('takes the last type in the name, so a repository or folder name does not win over the file', () => {
    expect(quantFromFileName('Q8_0/model-Q4_K_M.gguf')?.name).toBe('Q4_K_M');
  });

  it.each(['Qwen2-7B-Instruct.gguf', 'Phi-3-mini-4k-instruct-q4.gguf', 'llama-3-8b-bf16x.gguf', 'e5-large-v2.gguf'])(
    'finds no quantization in %s',
    (file) => {
      expect(quantFromFileName(file)).toBeNull();
    },
  );
});

describe('quantInfo', () => {
  it('calls Q8_0 near lossless and Q2_K a large loss, naming llama.cpp as the source', () => {
    expect(quantInfo('Q8_0')).toMatchObject({ quality: 'near-lossless', bitsPerWeight: 8.5008 });
    expect(quantInfo('Q2_K')).toMatchObject({ quality: 'large-loss', bitsPerWeight: 3.1593 });
    for (const name of ['Q8_0', 'Q2_K', 'Q4_K_M', 'IQ2_XS', 'F16'])
      expect(quantInfo(name).note).toMatch(/llama\.cpp's perplexity scoreboard/);
  });

  it('orders the quality words by the measured loss, from 16-bit down to 1-bit', () => {
    const order = ['F16', 'Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K', 'IQ1_S'];
    expect(order.map((n) => quantInfo(n).quality)).toEqual([
      'lossless',
      'near-lossless',
      'very-small-loss',
      'very-small-loss',
      'small-loss',
      'noticeable-loss',
      'large-loss',
      'large-loss',
    ]);
    const losses = order.slice(1).map((n) => quantLoss(quantInfo(n))!);
    expect([...losses].sort((a, b) => a - b)).toEqual(losses);
  });

  it('states the perplexity increase in percent, so a small Q8_0 model and a large Q3_K one compare on one scale', () => {
    expect(quantInfo('Q8_0').note).toMatch(/perplexity \+0\.04% and KL divergence 0\.0014/);
    expect(quantInfo('Q3_K').note).toMatch(/perplexity \+11% and KL divergence 0\.10/);
    expect(quantInfo('Q2_K').note).toMatch(/perplexity \+56%/);
  });

  it('says when a row was measured with an importance matrix', () => {
    expect(quantInfo('IQ3_XXS').note).toMatch(/with an importance matrix/);
    expect(quantInfo('Q4_K_M').note).not.toMatch(/importance matrix/);
  });

  it("reads node-llama-cpp's file type names and the aliases llama.cpp accepts", () => {
    expect(normalizeQuantName('MOSTLY_Q4_K_M')).toBe('Q4_K_M');
    expect(normalizeQuantName('ALL_F32')).toBe('F32');
    expect(normalizeQuantName('q5_k')).toBe('Q5_K_M');
    expect(quantInfo('MOSTLY_Q6_K')).toMatchObject({ name: 'Q6_K', quality: 'very-small-loss' });
  });

  it("gives a mix its base type's numbers as a floor and says it is not measured itself", () => {
    const ud = quantInfo('UD-Q4_K_XL');
    expect(ud).toMatchObject({ name: 'UD-Q4_K_XL', quality: 'small-loss', bitsPerWeight: null });
    expect(ud.note).toMatch(/Unsloth Dynamic mix built on Q4_K_M .* a floor/);
    expect(quantLoss(ud)).toBe(quantLoss(quantInfo('Q4_K_M')));
    expect(quantInfo('Q4_0_4_8')).toMatchObject({ quality: quantInfo('Q4_0').quality, bitsPerWeight: quantInfo('Q4_0').bitsPerWeight });
  });

  it('says so when llama.cpp has measured a type on no model, or does not know it', () => {
    expect(quantInfo('TQ1_0')).toMatchObject({ quality: 'unknown', bitsPerWeight: 1.69 });
    expect(quantInfo('TQ1_0').note).toMatch(/trained ternary/);
    expect(quantInfo('Q9_X')).toEqual({
      name: 'Q9_X',
      bitsPerWeight: null,
      quality: 'unknown',
      note: 'llama.cpp has published no measurement for Q9_X.',
    });
  });
});

describe('nominalBits', () => {
  it("reads the bits a type's name promises", () => {
    expect(
      ['Q4_K_M', 'IQ3_XXS', 'Q3_K_L', 'F16', 'BF16', 'F32', 'TQ1_0', 'MXFP4', 'UD-Q2_K_XL', 'Q8_0'].map((n) => nominalBits(quantInfo(n))),
    ).toEqual([4, 3, 3, 16, 16, 32, 1, 4, 2, 8]);
    expect(nominalBits(quantInfo('Q9_X'))).toBeNull();
  });
});
