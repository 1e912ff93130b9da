import * as tf from '@tensorflow/tfjs-core';
import { densifyRows, type Csr } from './sparse';
import type { VaeNetwork } from './vae-network';

const l2Normalised = (value: number, norm: number): number => (norm > 0 ? value / norm : 0);

/**
 * Fold-in scoring: a history (item indices + weights) is L2-normalised, encoded to the mean of
 * q(z | x) and decoded in one forward pass (no sampling, no dropout). Scores are the decoder's
 * logits, which rank items exactly as the multinomial probabilities do.
 */
export class VaeScorer {
  constructor(readonly network: VaeNetwork, readonly batchSize = 256) {}

  get items(): number {
    return this.network.arch.items;
  }

  /** Logits tensor [rows × items] for dense normalised inputs. Caller disposes. */
  scoreTensor(input: tf.Tensor2D): tf.Tensor2D {
    return this.network.score(input);
  }

  /** Scores of every item for one history. */
  async scoreHistory(indices: readonly number[], weights?: readonly number[]): Promise<Float32Array> {
    const items = this.items;
    const dense = new Float32Array(items);
    let norm = 0;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!(i >= 0 && i < items)) throw new RangeError(`item index ${i} out of range [0, ${items})`);
      dense[i]! += weights ? weights[k]! : 1;
    }
    for (let i = 0; i < items; i++) norm += dense[i]! * dense[i]!;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < items; i++) dense[i]! *= inv;
    }
    const out = tf.tidy(() => this.network.score(tf.tensor2d(dense, [1, items])));
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  /** Scores of every item for each row of `inputs`: [rows × items], row-major. */
  async scoreRows(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array> {
    const items = this.items;
    if (inputs.cols !== items) throw new RangeError(`inputs have ${inputs.cols} columns, model has ${items} items`);
    const ids = rowIds ?? Int32Array.from({ length: inputs.rows }, (_, r) => r);
    const out = new Float32Array(ids.length * items);
    const buffer = new Float32Array(Math.min(this.batchSize, Math.max(1, ids.length)) * items);
    for (let from = 0; from < ids.length; from += this.batchSize) {
      const to = Math.min(ids.length, from + this.batchSize);
      densifyRows(inputs, ids, from, to, buffer, l2Normalised);
      const scores = tf.tidy(() => this.network.score(tf.tensor2d(buffer.subarray(0, (to - from) * items), [to - from, items])));
      try {
        out.set((await scores.data()) as Float32Array, from * items);
      } finally {
        scores.dispose();
      }
    }
    return out;
  }
}
