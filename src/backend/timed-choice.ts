import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/types';

/** A backend's median time for the timed self-check, or why it could not run it. */
export type BackendTiming = { backend: BackendName; ms: number } | { backend: BackendName; error: string };

/**
 * The faster of the timed candidates (ties: the earlier one), and the sentence `status()` gives.
 * @param why what made a timing necessary (e.g. "the WebGL renderer is masked (Apple GPU)")
 * @returns null when no candidate ran
 */
export function chooseByTiming(timings: readonly BackendTiming[], why: string): { backend: BackendName; reason: string } | null {
  let best: { backend: BackendName; ms: number } | null = null;
  for (const t of timings) if ('ms' in t && (!best || t.ms < best.ms)) best = t;
  if (!best) return null;
  const figures = timings.map((t) => ('ms' in t ? `${t.backend} ${t.ms.toFixed(1)} ms` : `${t.backend} failed (${t.error})`)).join(', ');
  return { backend: best.backend, reason: `auto: ${why}, so a timed self-check decided: ${figures}; using ${best.backend}` };
}

/**
 * Median time of a scoring-sized matmul ([1 × 256] · [256 × 4096], the shape of one history
 * against a catalog) on the current backend, after a warm-up run that compiles the kernels.
 */
export async function timeCurrentBackend(rounds = 5): Promise<number> {
  const a = tf.randomUniform([1, 256]);
  const b = tf.randomUniform([256, 4096]);
  try {
    const once = async (): Promise<number> => {
      const started = performance.now();
      const product = tf.matMul(a, b);
      await product.data();
      product.dispose();
      return performance.now() - started;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await once());
    times.sort((x, y) => x - y);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    a.dispose();
    b.dispose();
  }
}
