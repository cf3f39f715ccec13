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
