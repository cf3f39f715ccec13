import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGML_F16, GGML_F32, quantizeQ8_0, serializeGguf, toHalf, toHalfBuffer } from '../../../electron/lib/ggufWriter';
import { tempDir } from '../../helpers/fixtures';

describe('the GGUF writer', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterAll(() => cleanup());

  it("writes every metadata type and the tensor layout so that node-llama-cpp's reader reads them back", async () => {
    const f32 = Buffer.from(new Float32Array([1, 2, 3]).buffer);
    const half = toHalfBuffer(new Float32Array([1, -2]));
    const bytes = serializeGguf(
      [
        ['test.u32', { t: 'u32', v: 7 }],
        ['test.i32', { t: 'i32', v: -7 }],
        ['test.f32', { t: 'f32', v: 0.5 }],
        ['test.u64', { t: 'u64', v: 2 ** 40 }],
        ['test.bool', { t: 'bool', v: true }],
        ['test.str', { t: 'str', v: 'héllo' }],
        ['test.strs', { t: 'strs', v: ['a', 'bc'] }],
        ['test.f32s', { t: 'f32s', v: [0.25, -1] }],
        ['test.i32s', { t: 'i32s', v: [-1, 2] }],
      ],
      [
        { name: 'a', dims: [3], type: GGML_F32, data: f32 },
        { name: 'b', dims: [2, 1], type: GGML_F16, data: half },
      ],
    );
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(bytes.length % 32).toBe(0);
    const file = join(dir, 'all.gguf');
    writeFileSync(file, bytes);
    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.version).toBe(3);
    expect(info.metadata).toMatchObject({
      test: { u32: 7, i32: -7, f32: 0.5, bool: true, str: 'héllo', strs: ['a', 'bc'], f32s: [0.25, -1], i32s: [-1, 2] },
    });
    expect(Number((info.metadata as unknown as { test: { u64: number | bigint } }).test.u64)).toBe(2 ** 40);
    expect(info.tensorInfo?.map((t) => [t.name, t.dimensions, t.ggmlType, Number(t.offset)])).toEqual([
      ['a', [3], GGML_F32, 0],
      // 'a' holds 12 bytes, padded to the 32-byte alignment.
      ['b', [2, 1], GGML_F16, 32],
    ]);
    const a = info.tensorInfo![0]!;
    const b = info.tensorInfo![1]!;
    expect(bytes.subarray(Number(a.fileOffset), Number(a.fileOffset) + 12).equals(f32)).toBe(true);
    expect(bytes.readUInt16LE(Number(b.fileOffset))).toBe(0x3c00);
    expect(bytes.readUInt16LE(Number(b.fileOffset) + 2)).toBe(0xc000);
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

  it('quantizes each block of 32 values to Q8_0: a half-float scale of the largest magnitude over 127, then int8s', () => {
    const values = new Float32Array(64);
    for (let i = 0; i < 32; i++) values[i] = (i - 16) / 16;
    // The second block is all zeros: its scale is 0 and so is every value.
    const q = quantizeQ8_0(values);
    expect(q.length).toBe(2 * 34);
    expect(q.readUInt16LE(0)).toBe(toHalf(1 / 127));
    expect(q.readInt8(2)).toBe(-127);
    expect(q.readInt8(2 + 16)).toBe(0);
    // 0.25 of the largest magnitude: 31.75, rounded.
    expect(q.readInt8(2 + 20)).toBe(32);
    expect(q.subarray(34).equals(Buffer.alloc(34))).toBe(true);
  });
});
