import * as tf from '@tensorflow/tfjs-core';
import type { ContentModel } from '../models/content-model';

/**
 * Settings of the content bridge in the engine, from the `localrec` evaluation's tuning on
 * pseudo-cold warm items (src/models/cold-start/bridge-eval-model.ts): office and scientific
 * (seed 42) both chose 5 neighbours and collaborative weight 0.7. The popularity weight for
 * histories the model does not know is set, not tuned.
 */
export const ENGINE_BRIDGE = {
  /** Nearest known items per new item. */
  neighbours: 5,
  /** Weight of the carried-over collaborative score next to the content score. */
  cfWeight: 0.7,
  /** Weight of the popularity prior when a shopper's history has no item the model knows. */
  popularityWeight: 0.5,
};

/**
 * Scores catalog rows the collaborative model does not know (products added after training):
 * each gets a generated collaborative score, the similarity-weighted mean of the shopper's
 * (standardised) collaborative scores of its nearest known rows by content, added to its content
 * score. The neighbours are found once per catalog on the backend, so adding items costs one
 * [new × dims]·[dims × items] product and no retraining.
 */
export class ColdRowBridge {
  private constructor(
    /** Rows without a collaborative vector. */
    readonly rows: Int32Array,
    /** rows.length × k: neighbour rows (known ones), -1 where none. */
    private readonly neighbourRows: Int32Array,
    private readonly neighbourSims: Float32Array,
    readonly k: number,
  ) {}

  static async build(content: ContentModel, knows: (row: number) => boolean, k = ENGINE_BRIDGE.neighbours): Promise<ColdRowBridge> {
    const size = content.size;
    const cold: number[] = [];
    for (let row = 0; row < size; row++) if (!knows(row)) cold.push(row);
    const known = size - cold.length;
    const kk = Math.max(0, Math.min(k, known));
    const neighbourRows = new Int32Array(cold.length * kk).fill(-1);
    const neighbourSims = new Float32Array(cold.length * kk);
    if (kk > 0 && cold.length > 0) {
      const penalty = tf.tensor1d(Float32Array.from({ length: size }, (_, row) => (knows(row) ? 0 : -10)));
      try {
        const chunk = 256;
        for (let from = 0; from < cold.length; from += chunk) {
          const ids = cold.slice(from, from + chunk);
          const { values, indices } = tf.tidy(() => {
            const columns = tf.gather(content.itemMatrixT, tf.tensor1d(ids, 'int32'), 1);
            const sims = tf.add(tf.matMul(columns, content.itemMatrixT, true, false), penalty);
            return tf.topk(sims, kk);
          });
          const [v, i] = await Promise.all([values.data(), indices.data()]);
          tf.dispose([values, indices]);
          for (let p = 0; p < ids.length; p++) {
            for (let q = 0; q < kk; q++) {
              const s = v[p * kk + q]!;
              if (s <= 0) continue; // unknown rows (penalised) or no shared feature
              neighbourRows[(from + p) * kk + q] = i[p * kk + q]!;
              neighbourSims[(from + p) * kk + q] = s;
            }
          }
        }
      } finally {
        penalty.dispose();
      }
    }
    return new ColdRowBridge(Int32Array.from(cold), neighbourRows, neighbourSims, kk);
  }

  /** The generated collaborative score of cold row #p (index into `rows`) from known-row scores. */
  carried(p: number, knownScores: Float32Array): number {
    let a = 0;
    let s = 0;
    for (let q = 0; q < this.k; q++) {
      const row = this.neighbourRows[p * this.k + q]!;
      if (row < 0) continue;
      const w = this.neighbourSims[p * this.k + q]!;
      a += w * knownScores[row]!;
      s += w;
    }
    return s > 0 ? a / s : 0;
  }

  /**
   * Writes the score of every cold row into `scores` (standardised collaborative scores at the
   * known rows): content z-score + cfWeight · generated collaborative score.
   */
  apply(scores: Float32Array, text: Float32Array, cfWeight = ENGINE_BRIDGE.cfWeight): void {
    const generated = new Float32Array(this.rows.length);
    for (let p = 0; p < this.rows.length; p++) generated[p] = this.carried(p, scores);
    this.rows.forEach((row, p) => (scores[row] = text[row]! + cfWeight * generated[p]!));
  }
}
