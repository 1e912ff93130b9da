import * as tf from '@tensorflow/tfjs-core';
import { BestK } from '../util/best-k';

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

/**
 * The same answer as `topK`, but reading every score back and selecting on the CPU. On some
 * backends (WASM, where "reading back" is a copy) this beats a topk kernel; on GPUs rarely.
 * `baseMask` is the availability mask as plain numbers (0 or EXCLUDED), or null.
 */
export async function topKByReadback(
  scores: tf.Tensor1D,
  k: number,
  excludedRows: readonly number[],
  baseMask: Float32Array | null,
): Promise<{ rows: number[]; scores: number[] }> {
  const values = (await scores.data()) as Float32Array;
  const blocked = new Set(excludedRows);
  const best = new BestK(Math.min(k, values.length));
  for (let row = 0; row < values.length; row++) {
    const s = values[row]!;
    if (blocked.has(row) || (baseMask && baseMask[row]! !== 0) || Number.isNaN(s)) continue;
    best.push(s, row);
  }
  const top = best.take();
  return { rows: Array.from(top.ids), scores: Array.from(top.scores) };
}

export type TopKMethod = 'backend' | 'readback';

export interface TopKCalibration {
  method: TopKMethod;
  /** Median milliseconds of each method on a score vector of the catalog's size. */
  backendMs: number;
  readbackMs: number;
}

/**
 * Times both top-k methods on this backend at this catalog size (a few rounds on a random score
 * vector, after a warm-up that also compiles the kernels) and picks the faster. Run off the
 * critical path, once the recommender is ready.
 */
export async function calibrateTopK(size: number, baseMask: tf.Tensor1D | null, rounds = 5): Promise<TopKCalibration> {
  const scores = tf.randomUniform([size], 0, 1, 'float32', 7) as tf.Tensor1D;
  const mask = baseMask ? ((await baseMask.data()) as Float32Array) : null;
  const excluded = [0, 1, 2];
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    await run(); // warm-up (kernel compilation)
    const ms: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  };
  try {
    const backendMs = await time(() => topK(scores, 24, excluded, baseMask));
    const readbackMs = await time(() => topKByReadback(scores, 24, excluded, mask));
    return { method: readbackMs < backendMs ? 'readback' : 'backend', backendMs: +backendMs.toFixed(3), readbackMs: +readbackMs.toFixed(3) };
  } finally {
    scores.dispose();
  }
}
