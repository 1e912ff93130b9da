import type { Csr } from '../src/util/csr';

// Scoring with dense item–item matrices, for the evaluation's baselines (EASE, item-kNN).

/**
 * scores = X · W for a sparse X (rows × n) and a dense row-major W (n × n): each nonzero adds a
 * scaled row of W. Used by the item-item models to score histories.
 */
export function sparseTimesDense(x: Csr, w: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.rows * n);
  for (let r = 0; r < x.rows; r++) {
    const o = r * n;
    for (let a = x.indptr[r] as number; a < (x.indptr[r + 1] as number); a++) {
      const v = x.values[a] as number;
      const wo = (x.indices[a] as number) * n;
      for (let j = 0; j < n; j++) out[o + j]! += v * (w[wo + j] as number);
    }
  }
  return out;
}
