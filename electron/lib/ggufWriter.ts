/**
 * Serialises GGUF v3 files: the header, typed metadata, tensor infos and aligned tensor data, plus the half-float
 * and Q8_0 encoders the tiny test model and LoRA writers need. Only what those writers use, not the whole format.
 * Dependency-free on purpose: it runs under plain tsx and inside vitest.
 */

// GGUF metadata value types.
const T_U32 = 4,
  T_I32 = 5,
  T_F32 = 6,
  T_BOOL = 7,
  T_STR = 8,
  T_ARR = 9,
  T_U64 = 10;

/** ggml tensor types (ggml_type) the writers use. */
export const GGML_F32 = 0,
  GGML_F16 = 1,
  GGML_Q8_0 = 8;

/** The alignment of the tensor data section and of each tensor in it (general.alignment). */
export const GGUF_ALIGNMENT = 32;

/** A metadata value, tagged with the GGUF type it is written as. */
export type GgufMetaValue =
  | { t: 'u32' | 'i32' | 'f32' | 'u64'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'strs'; v: string[] }
  | { t: 'f32s'; v: number[] }
  | { t: 'i32s'; v: number[] };

/** A tensor: its dimensions in ggml order (row length first), its ggml type and its encoded data. */
export interface GgufTensor {
  name: string;
  dims: number[];
  type: number;
  data: Buffer;
}

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const r = this.length % GGUF_ALIGNMENT;
    if (r) this.push(Buffer.alloc(GGUF_ALIGNMENT - r));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeMeta(w: ByteWriter, key: string, m: GgufMetaValue): void {
  w.str(key);
  switch (m.t) {
    case 'u32':
      w.u32(T_U32);
      w.u32(m.v);
      break;
    case 'i32':
      w.u32(T_I32);
      w.i32(m.v);
      break;
    case 'f32':
      w.u32(T_F32);
      w.f32(m.v);
      break;
    case 'u64':
      w.u32(T_U64);
      w.u64(m.v);
      break;
    case 'bool':
      w.u32(T_BOOL);
      w.push(Buffer.from([m.v ? 1 : 0]));
      break;
    case 'str':
      w.u32(T_STR);
      w.str(m.v);
      break;
    case 'strs':
      w.u32(T_ARR);
      w.u32(T_STR);
      w.u64(m.v.length);
      for (const s of m.v) w.str(s);
      break;
    case 'f32s':
      w.u32(T_ARR);
      w.u32(T_F32);
      w.u64(m.v.length);
      for (const n of m.v) w.f32(n);
      break;
    case 'i32s':
      w.u32(T_ARR);
      w.u32(T_I32);
      w.u64(m.v.length);
      for (const n of m.v) w.i32(n);
      break;
    default:
      m satisfies never;
  }
}

/**
 * GGUF v3: header, metadata in the order given, tensor infos, padding to GGUF_ALIGNMENT, then each tensor's data
 * padded to GGUF_ALIGNMENT. Byte-identical for the same input.
 */
export function serializeGguf(meta: Array<[string, GgufMetaValue]>, tensors: GgufTensor[]): Buffer {
  const out = new ByteWriter();
  out.push(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(meta.length);
  for (const [k, v] of meta) writeMeta(out, k, v);
  let offset = 0;
  for (const t of tensors) {
    out.str(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(t.type);
    out.u64(offset);
    offset += Math.ceil(t.data.length / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }
  out.pad();
  for (const t of tensors) {
    out.push(t.data);
    out.pad();
  }
  return out.concat();
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** float32 -> IEEE half, round to nearest even. */
export function toHalf(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Encodes values as little-endian IEEE halves: the data of a GGML_F16 tensor. */
export function toHalfBuffer(values: Float32Array): Buffer {
  const data = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) data.writeUInt16LE(toHalf(values[i]!), i * 2);
  return data;
}

/** Quantizes rows of 32-multiples into Q8_0 blocks: fp16 scale then 32 int8 values. */
export function quantizeQ8_0(values: Float32Array): Buffer {
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(values[b * 32 + i]!));
    const d = amax / 127;
    const inv = d ? 1 / d : 0;
    out.writeUInt16LE(toHalf(d), b * 34);
    for (let i = 0; i < 32; i++) out.writeInt8(Math.max(-127, Math.min(127, Math.round(values[b * 32 + i]! * inv))), b * 34 + 2 + i);
  }
  return out;
}
