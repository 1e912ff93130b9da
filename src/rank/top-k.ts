import * as tf from '@tensorflow/tfjs-core';

/** Added to the score of an item that must not be returned. */
const EXCLUDED = -1e9;

/**
 * The k best rows of `scores`, leaving out `excludedRows` and rows masked by `baseMask`
 * (0 = allowed, EXCLUDED = never). Only k values and indices are read back from the backend.
 * Does not dispose `scores`.
 */
export async function topK(
  scores: tf.Tensor1D,
  k: number,
  excludedRows: readonly number[],
  baseMask: tf.Tensor1D | null,
): Promise<{ rows: number[]; scores: number[] }> {
  const size = scores.shape[0];
  const take = Math.min(k, size);
  const { values, indices } = tf.tidy(() => {
    let masked: tf.Tensor1D = scores;
    if (baseMask) masked = tf.add(masked, baseMask);
    if (excludedRows.length > 0) {
      const unique = [...new Set(excludedRows)].sort((a, b) => a - b);
      const penalty = tf.sparseToDense(tf.tensor1d(unique, 'int32'), tf.fill([unique.length], EXCLUDED), [size]);
      masked = tf.add(masked, penalty);
    }
    return tf.topk(masked, take, true);
  });
  try {
    const [v, i] = await Promise.all([values.data(), indices.data()]);
    const rows: number[] = [];
    const out: number[] = [];
    for (let j = 0; j < take; j++) {
      if (v[j]! <= EXCLUDED / 2) break; // only excluded items are left
      rows.push(i[j]!);
      out.push(v[j]!);
    }
    return { rows, scores: out };
  } finally {
    values.dispose();
    indices.dispose();
  }
}

/** A mask tensor: 0 where `allowed[i]`, EXCLUDED elsewhere; null when everything is allowed. */
export function availabilityMask(allowed: readonly boolean[]): tf.Tensor1D | null {
  if (allowed.every(Boolean)) return null;
  return tf.tensor1d(allowed.map((ok) => (ok ? 0 : EXCLUDED)));
}
