import { describe, expect, it } from 'vitest';
import { buildTinyModel, toHalf } from '../../../electron/lib/tinyModel';

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

  it('rounds float32 to half precision to nearest even', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0)).toBe(0);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    // 1 + 2^-11 lies halfway between two halves; the even one (1.0) wins.
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalf(2 ** -24)).toBe(1);
  });
});
