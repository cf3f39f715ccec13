import { describe, expect, it } from 'vitest';
import { toHalf } from '../../../electron/lib/ggufWriter';
import { buildTinyLora, LORA_TARGETS, writeTinyLora } from '../../../electron/lib/tinyLora';
import * as tinyModel from '../../../electron/lib/tinyModel';
import { buildTinyModel } from '../../../electron/lib/tinyModel';

describe('the tiny model writer', () => {
  it('writes a GGUF v3 file, byte-identical for the same options and different for another seed', () => {
    const a = buildTinyModel({ favor: 'the' });
    expect(a.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
    expect(a.length % 32).toBe(0);
    expect(buildTinyModel({ favor: 'the' }).equals(a)).toBe(true);
    expect(buildTinyModel({ favor: 'the', seed: 43 }).equals(a)).toBe(false);
  });

  it('writes a reasoning variant only when asked: <think> controls and a template that opens a thought', () => {
    const plain = buildTinyModel({ favor: 'the' });
    const reasoning = buildTinyModel({ favor: 'the', reasoning: true });
    expect(plain.includes('<think>')).toBe(false);
    expect(buildTinyModel({ favor: 'the', reasoning: false }).equals(plain)).toBe(true);
    expect(buildTinyModel({ favor: 'the', reasoning: true }).equals(reasoning)).toBe(true);
    // The two controls follow <|im_end|> in the token list, and the generation prompt ends in an open thought.
    const lengthPrefixed = (s: string): Buffer => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(Buffer.byteLength(s)));
      return Buffer.concat([b, Buffer.from(s)]);
    };
    const at = (s: string): number => reasoning.indexOf(lengthPrefixed(s));
    expect(at('<|im_end|>')).toBeGreaterThan(0);
    expect(at('<think>')).toBe(at('<|im_end|>') + 8 + '<|im_end|>'.length);
    expect(at('</think>')).toBe(at('<think>') + 8 + '<think>'.length);
    expect(reasoning.toString('latin1')).toContain("{{- '<|im_start|>assistant\\n<think>\\n' }}");
    expect(reasoning.toString('latin1')).toContain('reasons)');
  });

  it('keeps exporting the LoRA writer and the half-float encoder for callers that import them from here', () => {
    expect(tinyModel.buildTinyLora).toBe(buildTinyLora);
    expect(tinyModel.writeTinyLora).toBe(writeTinyLora);
    expect(tinyModel.LORA_TARGETS).toBe(LORA_TARGETS);
    expect(tinyModel.toHalf).toBe(toHalf);
  });
});
