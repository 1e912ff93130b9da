import { float16BitsToFloat32, toFloat16 } from './float16';

/**
 * k-bit NormalFloat quantisation (NF4: Dettmers et al., QLoRA 2023; NF3 built the same way): each
 * block of 64 consecutive values is scaled by its largest magnitude (kept as float16) and every
 * value becomes the nearest of 2^k levels placed at quantiles of a normal distribution, which is
 * how trained weight matrices are distributed. Used for the VAE's two item-sized matrices in
 * compact packs, where they are most of the bytes. Codes are a little-endian bit stream (for NF4:
 * two a byte, the first in the low nibble).
 */
export type NormalFloatBits = 3 | 4;

/** QLoRA's construction (offset 0.9677): 2^(k−1) positive quantiles, 2^(k−1) − 1 negative, and 0, scaled to [−1, 1]. */
export const NORMAL_FLOAT_LEVELS: Record<NormalFloatBits, Float32Array> = {
  4: Float32Array.from([
    -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
  ]),
  3: Float32Array.from([-1, -0.478629160115911, -0.21714181782574396, 0, 0.1609301727049362, 0.33791519352165506, 0.5626169700752374, 1]),
};
export const NF_BLOCK = 64;

/** Bytes an encoded tensor of `count` values takes: float16 scales, then the bit stream of codes. */
export function normalFloatBytes(count: number, bits: NormalFloatBits, block = NF_BLOCK): number {
  return Math.ceil(count / block) * 2 + Math.ceil((count * bits) / 8);
}

function nearestLevel(levels: Float32Array, x: number): number {
  let lo = 0;
  let hi = levels.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return x - levels[lo]! <= levels[hi]! - x ? lo : hi;
}

export function encodeNormalFloat(values: Float32Array, bits: NormalFloatBits, block = NF_BLOCK): Uint8Array {
  const levels = NORMAL_FLOAT_LEVELS[bits];
  const zero = levels.indexOf(0);
  const blocks = Math.ceil(values.length / block);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let max = 0;
    for (let i = b * block; i < Math.min(values.length, (b + 1) * block); i++) max = Math.max(max, Math.abs(values[i]!));
    scales[b] = max;
  }
  const half = toFloat16(scales);
  const out = new Uint8Array(normalFloatBytes(values.length, bits, block));
  out.set(new Uint8Array(half.buffer, half.byteOffset, half.byteLength), 0);
  const codes = out.subarray(blocks * 2);
  for (let i = 0; i < values.length; i++) {
    const s = float16BitsToFloat32(half[Math.floor(i / block)]!);
    const code = s > 0 ? nearestLevel(levels, values[i]! / s) : zero;
    const bit = i * bits;
    const word = (code << (bit & 7)) >>> 0;
    codes[bit >> 3]! |= word & 0xff;
    if ((bit & 7) + bits > 8) codes[(bit >> 3) + 1]! |= word >>> 8;
  }
  return out;
}

export function decodeNormalFloat(bytes: Uint8Array, count: number, bits: NormalFloatBits, block = NF_BLOCK): Float32Array {
  const levels = NORMAL_FLOAT_LEVELS[bits];
  const mask = (1 << bits) - 1;
  const blocks = Math.ceil(count / block);
  const codes = bytes.subarray(blocks * 2);
  const out = new Float32Array(count);
  // Block by block with the level table pre-scaled: a 100k-item pack decodes 60M values at start-up.
  const scaled = new Float32Array(levels.length);
  for (let b = 0; b < blocks; b++) {
    const scale = float16BitsToFloat32(bytes[2 * b]! | (bytes[2 * b + 1]! << 8));
    for (let l = 0; l < levels.length; l++) scaled[l] = levels[l]! * scale;
    const end = Math.min(count, (b + 1) * block);
    if (bits === 4 && (block & 1) === 0) {
      // Two values a byte: low nibble first.
      let i = b * block;
      for (; i + 1 < end; i += 2) {
        const byte = codes[i >> 1]!;
        out[i] = scaled[byte & 15]!;
        out[i + 1] = scaled[byte >> 4]!;
      }
      if (i < end) out[i] = scaled[codes[i >> 1]! & 15]!;
    } else if (bits === 4) {
      for (let i = b * block; i < end; i++) out[i] = scaled[(codes[i >> 1]! >> ((i & 1) << 2)) & 15]!;
    } else {
      let i = b * block;
      // NF3: eight values are three whole bytes when the block starts on a multiple of 8.
      if (bits === 3 && (i & 7) === 0) {
        for (; i + 8 <= end; i += 8) {
          const at = (i * 3) >> 3;
          const word = codes[at]! | (codes[at + 1]! << 8) | (codes[at + 2]! << 16);
          out[i] = scaled[word & 7]!;
          out[i + 1] = scaled[(word >> 3) & 7]!;
          out[i + 2] = scaled[(word >> 6) & 7]!;
          out[i + 3] = scaled[(word >> 9) & 7]!;
          out[i + 4] = scaled[(word >> 12) & 7]!;
          out[i + 5] = scaled[(word >> 15) & 7]!;
          out[i + 6] = scaled[(word >> 18) & 7]!;
          out[i + 7] = scaled[(word >> 21) & 7]!;
        }
      }
      for (; i < end; i++) {
        const bit = i * bits;
        const at = bit >> 3;
        out[i] = scaled[((codes[at]! | ((codes[at + 1] ?? 0) << 8)) >>> (bit & 7)) & mask]!;
      }
    }
  }
  return out;
}

/**
 * h · M for an encoded row-major [rows × cols] matrix M without decoding it: `h` is [n × rows]
 * row-major, the result [n × cols]. Each block's level table is scaled by the block's scale and
 * h's entry for its row, then every code adds its level: the work of one decoding pass per row
 * of h, and no float copy of M (a 100k-item decoder layer is 120 MB of float32).
 */
export function leftProductNormalFloat(bytes: Uint8Array, rows: number, cols: number, bits: NormalFloatBits, block: number, h: Float32Array, n: number): Float32Array {
  const levels = NORMAL_FLOAT_LEVELS[bits];
  const mask = (1 << bits) - 1;
  const count = rows * cols;
  const blocks = Math.ceil(count / block);
  const codes = bytes.subarray(blocks * 2);
  const out = new Float32Array(n * cols);
  const table = new Float32Array(levels.length);
  for (let b = 0; b < blocks; b++) {
    const scale = float16BitsToFloat32(bytes[2 * b]! | (bytes[2 * b + 1]! << 8));
    const blockEnd = Math.min(count, (b + 1) * block);
    // A block may run over the end of a row of M: each part takes that row's entry of h.
    for (let start = b * block; start < blockEnd; ) {
      const row = Math.floor(start / cols);
      const end = Math.min(blockEnd, (row + 1) * cols);
      for (let r = 0; r < n; r++) {
        const weight = h[r * rows + row]! * scale;
        if (weight === 0) continue;
        for (let l = 0; l < levels.length; l++) table[l] = levels[l]! * weight;
        const base = r * cols - row * cols;
        let i = start;
        if (bits === 3) {
          for (; i < end && (i & 7) !== 0; i++) {
            const bit = i * 3;
            out[base + i] = out[base + i]! + table[((codes[bit >> 3]! | ((codes[(bit >> 3) + 1] ?? 0) << 8)) >>> (bit & 7)) & 7]!;
          }
          // Eight values are three whole bytes: decodeNormalFloat's unpacking, repeated here on
          // purpose. A shared helper writing a block into scratch (then added) measured 118 ms
          // against 64 ms for this at 100k × 300, and it is the first recommendation's product.
          for (; i + 8 <= end; i += 8) {
            const at = (i * 3) >> 3;
            const word = codes[at]! | (codes[at + 1]! << 8) | (codes[at + 2]! << 16);
            const o = base + i;
            out[o] = out[o]! + table[word & 7]!;
            out[o + 1] = out[o + 1]! + table[(word >> 3) & 7]!;
            out[o + 2] = out[o + 2]! + table[(word >> 6) & 7]!;
            out[o + 3] = out[o + 3]! + table[(word >> 9) & 7]!;
            out[o + 4] = out[o + 4]! + table[(word >> 12) & 7]!;
            out[o + 5] = out[o + 5]! + table[(word >> 15) & 7]!;
            out[o + 6] = out[o + 6]! + table[(word >> 18) & 7]!;
            out[o + 7] = out[o + 7]! + table[(word >> 21) & 7]!;
          }
        }
        for (; i < end; i++) {
          const bit = i * bits;
          out[base + i] = out[base + i]! + table[((codes[bit >> 3]! | ((codes[(bit >> 3) + 1] ?? 0) << 8)) >>> (bit & 7)) & mask]!;
        }
      }
      start = end;
    }
  }
  return out;
}

/** Decodes values [start, start + length) of an encoded tensor of `count` values into out[at ..]. */
export function decodeNormalFloatRange(bytes: Uint8Array, count: number, bits: NormalFloatBits, block: number, start: number, length: number, out: Float32Array, at: number): void {
  const levels = NORMAL_FLOAT_LEVELS[bits];
  const mask = (1 << bits) - 1;
  const codes = bytes.subarray(Math.ceil(count / block) * 2);
  let b = -1;
  let scale = 0;
  for (let i = start; i < start + length; i++) {
    const nb = Math.floor(i / block);
    if (nb !== b) {
      b = nb;
      scale = float16BitsToFloat32(bytes[2 * b]! | (bytes[2 * b + 1]! << 8));
    }
    const bit = i * bits;
    const byte = bit >> 3;
    out[at + i - start] = levels[((codes[byte]! | ((codes[byte + 1] ?? 0) << 8)) >>> (bit & 7)) & mask]! * scale;
  }
}

/**
 * A row-major [rows × cols] matrix kept NormalFloat-coded in memory, its rows decoded when read:
 * the VAE's first encoder layer in a compact pack. Serving reads only the rows of a history's
 * items, so at 100k items × 300 the matrix stays 16 MB of codes instead of 120 MB of float32 on
 * the backend, and start-up skips decoding and uploading it.
 */
export class NormalFloatMatrix {
  constructor(
    private readonly bytes: Uint8Array,
    readonly rows: number,
    readonly cols: number,
    readonly bits: NormalFloatBits,
    readonly block: number,
  ) {
    if (bytes.byteLength !== normalFloatBytes(rows * cols, bits, block)) throw new RangeError(`NormalFloatMatrix: ${bytes.byteLength} bytes for [${rows} × ${cols}] at ${bits} bits`);
  }

  /** Rows `indices`, decoded: [indices.length × cols], row-major. */
  gatherRows(indices: ArrayLike<number>): Float32Array {
    const out = new Float32Array(indices.length * this.cols);
    for (let k = 0; k < indices.length; k++) this.readRow(indices[k]!, out, k * this.cols);
    return out;
  }

  /** Row `row`, decoded into out[at .. at + cols). */
  readRow(row: number, out: Float32Array, at = 0): void {
    if (!(row >= 0 && row < this.rows)) throw new RangeError(`NormalFloatMatrix: row ${row} of ${this.rows}`);
    decodeNormalFloatRange(this.bytes, this.rows * this.cols, this.bits, this.block, row * this.cols, this.cols, out, at);
  }

  /** h · this for `h` [n × rows] row-major: [n × cols], without decoding the matrix (leftProductNormalFloat). */
  leftProduct(h: Float32Array, n: number): Float32Array {
    if (h.length !== n * this.rows) throw new RangeError(`NormalFloatMatrix: h holds ${h.length} values, not ${n} × ${this.rows}`);
    return leftProductNormalFloat(this.bytes, this.rows, this.cols, this.bits, this.block, h, n);
  }

  /** The whole matrix decoded (training or fine-tuning needs it as weights). */
  decodeAll(): Float32Array {
    return decodeNormalFloat(this.bytes, this.rows * this.cols, this.bits, this.block);
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }
}
