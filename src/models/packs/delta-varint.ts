/**
 * Neighbour lists in compact packs: each row's item indices ascending, written as the first index
 * and then the gaps, each as an unsigned LEB128 varint. A gap averages items/k, so at 12k items and
 * 50 neighbours an index takes ~1.2 bytes instead of 2 (4 past 65,536 items).
 */
export function encodeDeltaVarint(indices: Int32Array, k: number): Uint8Array {
  const out: number[] = [];
  for (let row = 0; row < indices.length; row += k) {
    let previous = 0;
    for (let t = 0; t < k; t++) {
      const value = indices[row + t]!;
      let gap = value - previous;
      if (gap < 0) throw new RangeError('delta-varint: each row of indices must be ascending');
      previous = value;
      while (gap >= 0x80) {
        out.push((gap & 0x7f) | 0x80);
        gap >>>= 7;
      }
      out.push(gap);
    }
  }
  return Uint8Array.from(out);
}

/** @throws RangeError when the bytes do not hold `count` indices. */
export function decodeDeltaVarint(bytes: Uint8Array, count: number, k: number): Int32Array {
  const out = new Int32Array(count);
  const end = bytes.length;
  let at = 0;
  // Row by row with integer shifts: a 100k-item pack decodes 15M indices at start-up.
  for (let row = 0; row < count; row += k) {
    let value = 0;
    const rowEnd = Math.min(count, row + k);
    for (let i = row; i < rowEnd; i++) {
      if (at >= end) throw new RangeError('delta-varint: the data ends early');
      let byte = bytes[at++]!;
      let gap = byte & 0x7f;
      let shift = 7;
      while (byte >= 0x80) {
        if (at >= end) throw new RangeError('delta-varint: the data ends early');
        if (shift > 28) throw new RangeError('delta-varint: index too large');
        byte = bytes[at++]!;
        gap += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      }
      value += gap;
      out[i] = value;
    }
  }
  if (at !== end) throw new RangeError('delta-varint: trailing bytes');
  return out;
}

/** Each row's (index, value) pairs ordered by index: the order delta-varint needs; scoring sums them, so it is free. */
export function sortRowsByIndex(indices: Int32Array, values: Float32Array, k: number): { indices: Int32Array; values: Float32Array } {
  const si = new Int32Array(indices.length);
  const sv = new Float32Array(values.length);
  const order = new Int32Array(k);
  for (let row = 0; row < indices.length; row += k) {
    for (let t = 0; t < k; t++) order[t] = t;
    order.sort((a, b) => indices[row + a]! - indices[row + b]!);
    for (let t = 0; t < k; t++) {
      si[row + t] = indices[row + order[t]!]!;
      sv[row + t] = values[row + order[t]!]!;
    }
  }
  return { indices: si, values: sv };
}
