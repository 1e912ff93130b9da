import * as tf from '@tensorflow/tfjs-core';
import type { Csr } from '../../eval/eval-model';
import type { TrainedVaeModel } from '../../tools/recipe/vae-recipe';

/**
 * The collaborative model the cold-start generator maps into, reduced to what GAR needs: a
 * user representation h(history) [d], item vectors W [items × d] and biases b [items] such that
 * the model's logit of item j is h·W_j + b_j, and the warm scores the storefront ranks by. The
 * generator never sees where these come from; `VaeSpace` adapts the VAE (src/models/vae).
 */
export interface CollaborativeSpace {
  readonly items: number;
  /** d: width of the user representation and of the item vectors. */
  readonly dims: number;
  /** Item vectors [items × d] (row-major) and biases [items]. */
  itemVectors(): Promise<{ vectors: Float32Array; bias: Float32Array }>;
  /** h for rows `rowIds` (default all) of `inputs`: a [rows × d] tensor the caller disposes. */
  userTensor(inputs: Csr, rowIds?: ArrayLike<number>): tf.Tensor2D;
  /** Scores of every item for each row: what warm items are ranked by. */
  scoreWarm(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array>;
}

/** Rows of a CSR matrix, dense and L2-normalised per row (the VAE's input transform). */
export function denseNormalisedRows(inputs: Csr, ids: ArrayLike<number>): Float32Array {
  const cols = inputs.cols;
  const out = new Float32Array(ids.length * cols);
  for (let r = 0; r < ids.length; r++) {
    const u = ids[r]!;
    let norm = 0;
    for (let k = inputs.indptr[u]!; k < inputs.indptr[u + 1]!; k++) norm += inputs.values[k]! ** 2;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let k = inputs.indptr[u]!; k < inputs.indptr[u + 1]!; k++) out[r * cols + inputs.indices[k]!]! += inputs.values[k]! * scale;
  }
  return out;
}

/**
 * The VAE's item space: h = tanh(μ(x)·W3 + b3) is the decoder's last hidden layer for the
 * fold-in mean μ(x), and the decoder's logits are h·W4 + b4, so item j's vector is column j of
 * W4 (`dec/w2`, [hidden × items]) and its bias b4[j] (`dec/b2`). d = the decoder's hidden width.
 */
export class VaeSpace implements CollaborativeSpace {
  constructor(readonly model: TrainedVaeModel) {}

  get items(): number {
    return this.model.scorer.network.arch.items;
  }

  get dims(): number {
    return this.model.scorer.network.arch.hidden;
  }

  async itemVectors(): Promise<{ vectors: Float32Array; bias: Float32Array }> {
    const p = this.model.scorer.network.params;
    const t = tf.transpose(p['dec/w2']);
    try {
      return { vectors: Float32Array.from((await t.data()) as Float32Array), bias: Float32Array.from((await p['dec/b2'].data()) as Float32Array) };
    } finally {
      t.dispose();
    }
  }

  userTensor(inputs: Csr, rowIds?: ArrayLike<number>): tf.Tensor2D {
    const ids = rowIds ?? Int32Array.from({ length: inputs.rows }, (_, r) => r);
    const network = this.model.scorer.network;
    const x = denseNormalisedRows(inputs, ids);
    return tf.tidy(() => {
      const mu = network.encodeMean(tf.tensor2d(x, [ids.length, inputs.cols]));
      return tf.tanh(tf.add(tf.matMul(mu, network.params['dec/w1']), network.params['dec/b1'])) as tf.Tensor2D;
    });
  }

  scoreWarm(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array> {
    return this.model.scorer.scoreRows(inputs, rowIds);
  }
}
