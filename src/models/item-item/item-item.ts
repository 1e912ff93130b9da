import type { Csr } from '../../util/csr';

/**
 * A sparsified item–item matrix: for every source item i, its k strongest neighbours j and the
 * weights B[i][j] (largest first). Keeping the top 100 of EASE's weights loses nothing
 * measurable on the development sets and makes the pack O(items·k) instead of O(items²).
 */
export interface ItemNeighbours {
  /** Which part this is: `ease`, `knn` (co-purchase cosine) or `content` (catalog-text cosine). */
  kind: string;
  items: number;
  k: number;
  /** [items × k] neighbour item indices. */
  indices: Int32Array;
  /** [items × k] weights. */
  values: Float32Array;
  /**
   * Reads item i's list into `indices`/`values` (length k) without building the whole arrays: a
   * compact pack's part kept encoded (packs/coded-neighbours.ts). When present, serving uses it
   * (the blend's scoring, reasons); `neighbourScores` (pack training) reads the whole arrays.
   */
  readRow?(i: number, indices: Int32Array, values: Float32Array): void;
}

/**
 * Item–item scores x·B for rows ids[from..to) of `inputs` (raw history weights), written into
 * `out` [(to − from) × items] (zeroed first).
 */
export function neighbourScores(nb: ItemNeighbours, inputs: Csr, ids: ArrayLike<number>, from: number, to: number, out: Float32Array): void {
  const { items, k, indices, values } = nb;
  out.fill(0, 0, (to - from) * items);
  for (let r = from; r < to; r++) {
    const u = ids[r]!;
    const base = (r - from) * items;
    for (let e = inputs.indptr[u]!; e < inputs.indptr[u + 1]!; e++) {
      const i = inputs.indices[e]!;
      const w = inputs.values[e]!;
      const off = i * k;
      for (let t = 0; t < k; t++) out[base + indices[off + t]!]! += w * values[off + t]!;
    }
  }
}

/** The same part with each item's list cut to its `k` strongest (lists are best-first until packed). */
export function truncateNeighbours(nb: ItemNeighbours, k: number): ItemNeighbours {
  if (nb.k <= k) return nb;
  const indices = new Int32Array(nb.items * k);
  const values = new Float32Array(nb.items * k);
  for (let i = 0; i < nb.items; i++) {
    indices.set(nb.indices.subarray(i * nb.k, i * nb.k + k), i * k);
    values.set(nb.values.subarray(i * nb.k, i * nb.k + k), i * k);
  }
  return { ...nb, k, indices, values };
}
