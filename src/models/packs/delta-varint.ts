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

/**
 * A delta-varint neighbour matrix [rows × k] kept encoded, its rows decoded when read: serving
 * reads only the rows of a history's items. One pass at construction finds where each row starts
 * and checks the stream (at 100k items and 50 neighbours: 15M indices, 60 MB decoded, ~20 MB coded).
 */
export class DeltaVarintMatrix {
  /** Byte offset of each row's first varint, and the stream's end. */
  private readonly starts: Int32Array;

  /** @throws RangeError when the bytes do not hold rows × k indices below `limit` */
  constructor(
    private readonly bytes: Uint8Array,
    readonly rows: number,
    readonly k: number,
    limit: number,
  ) {
    this.starts = new Int32Array(rows + 1);
    if (!(k >= 1)) throw new RangeError('delta-varint: rows need at least one index');
    // One tight pass over the bytes (no per-row loops): a 100k-item part is ~10 MB of varints.
    const end = bytes.length;
    const scale = [1, 128, 16384, 2097152, 268435456];
    let row = 0;
    let t = 0;
    let value = 0;
    let gap = 0;
    let shift = 0;
    for (let at = 0; at < end; at++) {
      const byte = bytes[at]!;
      gap += (byte & 0x7f) * scale[shift]!;
      if (byte >= 0x80) {
        if (++shift > 4) throw new RangeError('delta-varint: index too large');
        continue;
      }
      value += gap;
      gap = 0;
      shift = 0;
      if (++t === k) {
        // Rows are ascending: the last index is the row's largest.
        if (value >= limit) throw new RangeError(`delta-varint: row ${row} names item ${value} of ${limit}`);
        if (row >= rows) throw new RangeError('delta-varint: trailing bytes');
        this.starts[++row] = at + 1;
        t = 0;
        value = 0;
      }
    }
    if (row === rows && (t !== 0 || shift !== 0)) throw new RangeError('delta-varint: trailing bytes');
    if (row < rows || shift !== 0 || t !== 0) throw new RangeError('delta-varint: the data ends early');
  }

  /** Row `row`'s k indices into out[at ..]. */
  readRow(row: number, out: Int32Array, at = 0): void {
    let p = this.starts[row]!;
    let value = 0;
    for (let t = 0; t < this.k; t++) {
      let byte = this.bytes[p++]!;
      let gap = byte & 0x7f;
      let shift = 7;
      while (byte >= 0x80) {
        byte = this.bytes[p++]!;
        gap += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      }
      value += gap;
      out[at + t] = value;
    }
  }

  decodeAll(): Int32Array {
    return decodeDeltaVarint(this.bytes, this.rows * this.k, this.k);
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.starts.byteLength;
  }
}
