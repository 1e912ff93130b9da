import { float16BitsToFloat32, toFloat16 } from './float16';

/**
 * 4-bit NormalFloat quantisation (NF4, Dettmers et al., QLoRA 2023): each block of 64 consecutive
 * values is scaled by its largest magnitude (kept as float16) and every value becomes the nearest
 * of 16 levels placed at the quantiles of a normal distribution, which is how trained weight
 * matrices are distributed. 4.25 bits a value; used for the VAE's two item-sized matrices in
 * compact packs, where they are most of the bytes.
 */
export const NF4_LEVELS = Float32Array.from([
  -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0,
  0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
]);
export const NF4_BLOCK = 64;

/** Bytes an NF4-encoded tensor of `count` values takes: float16 scales, then two codes a byte. */
export function nf4Bytes(count: number, block = NF4_BLOCK): number {
  return Math.ceil(count / block) * 2 + Math.ceil(count / 2);
}

function nearestLevel(x: number): number {
  // Levels are sorted: binary search, then the closer of the two neighbours.
  let lo = 0;
  let hi = NF4_LEVELS.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (NF4_LEVELS[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return x - NF4_LEVELS[lo]! <= NF4_LEVELS[hi]! - x ? lo : hi;
}

export function encodeNf4(values: Float32Array, block = NF4_BLOCK): Uint8Array {
  const blocks = Math.ceil(values.length / block);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let max = 0;
    for (let i = b * block; i < Math.min(values.length, (b + 1) * block); i++) max = Math.max(max, Math.abs(values[i]!));
    scales[b] = max;
  }
  const half = toFloat16(scales);
  const out = new Uint8Array(nf4Bytes(values.length, block));
  out.set(new Uint8Array(half.buffer, half.byteOffset, half.byteLength), 0);
  const codes = out.subarray(blocks * 2);
  for (let i = 0; i < values.length; i++) {
    const s = float16BitsToFloat32(half[Math.floor(i / block)]!);
    const code = s > 0 ? nearestLevel(values[i]! / s) : 7;
    codes[i >> 1]! |= i & 1 ? code << 4 : code;
  }
  return out;
}

export function decodeNf4(bytes: Uint8Array, count: number, block = NF4_BLOCK): Float32Array {
  const blocks = Math.ceil(count / block);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) scales[b] = float16BitsToFloat32(bytes[2 * b]! | (bytes[2 * b + 1]! << 8));
  const codes = bytes.subarray(blocks * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const byte = codes[i >> 1]!;
    out[i] = NF4_LEVELS[i & 1 ? byte >> 4 : byte & 15]! * scales[Math.floor(i / block)]!;
  }
  return out;
}
