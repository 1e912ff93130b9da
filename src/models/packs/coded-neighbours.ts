import type { ItemNeighbours } from '../item-item/item-item';
import type { DeltaVarintMatrix } from './delta-varint';
import type { NormalFloatMatrix } from './normal-float';

/**
 * An item–item part of a compact pack served from its encoded form: indices as delta-varint
 * rows, weights as NF4 (or already decoded, in older packs). recommend() reads the rows of the
 * history's items (`readRow`); `indices` and `values` decode the whole part on first use and keep
 * it (tools, truncation), so code written for plain parts still works.
 */
export class CodedNeighbours implements ItemNeighbours {
  private whole: { indices: Int32Array; values: Float32Array } | null = null;

  constructor(
    readonly kind: string,
    readonly items: number,
    readonly k: number,
    private readonly codedIndices: DeltaVarintMatrix,
    private readonly codedValues: NormalFloatMatrix | Float32Array,
  ) {}

  readRow(i: number, indices: Int32Array, values: Float32Array): void {
    this.codedIndices.readRow(i, indices, 0);
    if (this.codedValues instanceof Float32Array) values.set(this.codedValues.subarray(i * this.k, (i + 1) * this.k));
    else this.codedValues.readRow(i, values, 0);
  }

  /** Whether the whole part has been decoded (serving should never need it). */
  get decoded(): boolean {
    return this.whole !== null;
  }

  private decodeWhole(): { indices: Int32Array; values: Float32Array } {
    this.whole ??= { indices: this.codedIndices.decodeAll(), values: this.codedValues instanceof Float32Array ? this.codedValues : this.codedValues.decodeAll() };
    return this.whole;
  }

  get indices(): Int32Array {
    return this.decodeWhole().indices;
  }

  get values(): Float32Array {
    return this.decodeWhole().values;
  }
}
