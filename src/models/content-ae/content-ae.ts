import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from './rng';
import { takeTensor, type NamedTensor } from './tensor-list';

/**
 * A denoising autoencoder over item feature vectors (content-features.ts): the input's feature
 * slots are dropped at random (masking noise), the encoder maps it to a `embedding`-d code
 * e = tanh(x̃·W1 + b1), and the decoder predicts the clean vector's feature distribution
 * softmax(e·W2 + b2) against p = x² (a unit vector's squares sum to 1), i.e. cross-entropy
 * −Σ p·log softmax. Items with similar text get nearby codes; `embed` needs no noise and no
 * retraining, so new catalog rows are embedded as they arrive.
 *
 * Gradients are analytic (tfjs-core's Node bundle has no autodiff, as in src/models/vae), applied
 * with tf.train.adam; every random draw comes from the seed.
 */
export interface ContentAeConfig {
  embedding: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Share of input slots dropped per example (masking noise). */
  noise: number;
  seed: number;
}

export const DEFAULT_CONTENT_AE: ContentAeConfig = { embedding: 128, epochs: 30, batchSize: 128, learningRate: 2e-3, noise: 0.3, seed: 42 };

export interface ContentAeProgress {
  stage: 'content-ae';
  epoch: number;
  loss: number;
  loaded: number;
  total: number;
  [key: string]: unknown;
}

/** Feature rows written on demand: row `row`'s vector into out[offset .. offset + inputDims). */
export interface RowSource {
  rows: number;
  write(row: number, out: Float32Array<ArrayBuffer>, offset: number): void;
}

const NAMES = ['ae/w1', 'ae/b1', 'ae/w2', 'ae/b2'] as const;

let counter = 0;

export class ContentAutoencoder {
  readonly inputDims: number;
  readonly embedding: number;
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;

  private constructor(inputDims: number, embedding: number, weights: Record<(typeof NAMES)[number], Float32Array>) {
    this.inputDims = inputDims;
    this.embedding = embedding;
    const id = counter++;
    const variable = (data: Float32Array, shape: number[], name: string): tf.Variable => {
      const init = tf.tensor(data, shape, 'float32');
      const v = tf.variable(init, true, `content-ae/${name}/${id}`);
      init.dispose();
      return v;
    };
    this.w1 = variable(weights['ae/w1'], [inputDims, embedding], 'w1');
    this.b1 = variable(weights['ae/b1'], [embedding], 'b1');
    this.w2 = variable(weights['ae/w2'], [embedding, inputDims], 'w2');
    this.b2 = variable(weights['ae/b2'], [inputDims], 'b2');
  }

  /** Seeded Glorot weights, zero biases. */
  static create(inputDims: number, embedding = DEFAULT_CONTENT_AE.embedding, seed = DEFAULT_CONTENT_AE.seed): ContentAutoencoder {
    const rng = new SeededRandom(seed);
    return new ContentAutoencoder(inputDims, embedding, {
      'ae/w1': rng.glorot(inputDims, embedding),
      'ae/b1': new Float32Array(embedding),
      'ae/w2': rng.glorot(embedding, inputDims),
      'ae/b2': new Float32Array(inputDims),
    });
  }

  get variables(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.b2];
  }

  /** Codes of [rows × inputDims] feature vectors (a tensor the caller disposes). */
  embedTensor(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(tf.add(tf.matMul(x, this.w1), this.b1)) as tf.Tensor2D);
  }

  /** Codes of row-major feature vectors: [rows × embedding]. */
  async embed(x: Float32Array, rows = x.length / this.inputDims): Promise<Float32Array> {
    const out = new Float32Array(rows * this.embedding);
    const chunk = 1024;
    for (let from = 0; from < rows; from += chunk) {
      const to = Math.min(rows, from + chunk);
      const codes = tf.tidy(() => this.embedTensor(tf.tensor2d(x.subarray(from * this.inputDims, to * this.inputDims), [to - from, this.inputDims])));
      try {
        out.set((await codes.data()) as Float32Array, from * this.embedding);
      } finally {
        codes.dispose();
      }
    }
    return out;
  }

  /** Loss and gradients of one batch; `mask` (same shape as x, 0/1 scaled by 1/keep) makes it denoising. */
  private step(x: tf.Tensor2D, mask: tf.Tensor2D | null): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
    return tf.tidy(() => {
      const rows = x.shape[0];
      const input = mask ? tf.mul(x, mask) : x;
      const e = tf.tanh(tf.add(tf.matMul(input, this.w1), this.b1));
      const logits = tf.add(tf.matMul(e, this.w2), this.b2);
      const logp = tf.logSoftmax(logits);
      const p = tf.square(x);
      const mass = tf.sum(p, 1, true);
      const loss = tf.div(tf.neg(tf.sum(tf.mul(p, logp))), rows) as tf.Scalar;
      const dLogits = tf.div(tf.sub(tf.mul(tf.exp(logp), mass), p), rows);
      const dW2 = tf.matMul(tf.transpose(e), dLogits);
      const db2 = tf.sum(dLogits, 0);
      const dA = tf.mul(tf.matMul(dLogits, tf.transpose(this.w2)), tf.sub(1, tf.square(e)));
      const dW1 = tf.matMul(tf.transpose(input), dA);
      const db1 = tf.sum(dA, 0);
      return {
        loss,
        grads: { [this.w1.name]: dW1, [this.b1.name]: db1, [this.w2.name]: dW2, [this.b2.name]: db2 },
      };
    });
  }

  /**
   * Mean reconstruction cross-entropy of clean inputs (no noise) over rows with any text.
   * The floor is the mean entropy of the rows' feature distributions, not 0.
   */
  async reconstructionLoss(x: Float32Array, rows = x.length / this.inputDims): Promise<number> {
    let total = 0;
    const chunk = 512;
    for (let from = 0; from < rows; from += chunk) {
      const to = Math.min(rows, from + chunk);
      const loss = tf.tidy(() => {
        const batch = tf.tensor2d(x.subarray(from * this.inputDims, to * this.inputDims), [to - from, this.inputDims]);
        const { loss } = this.step(batch, null);
        return tf.mul(loss, to - from);
      });
      total += (await loss.data())[0]!;
      loss.dispose();
    }
    return total / Math.max(1, rows);
  }

  /**
   * Trains on row-major feature vectors [rows × inputDims] (the whole catalog: its text is public),
   * or on rows written on demand (`RowSource`: a large catalog never holds its dense matrix).
   * Returns the mean training loss of each epoch.
   */
  async fit(x: Float32Array | RowSource, config: Partial<ContentAeConfig> = {}, onProgress?: (e: ContentAeProgress) => void): Promise<number[]> {
    const cfg = { ...DEFAULT_CONTENT_AE, ...config };
    const d = this.inputDims;
    const source: RowSource = x instanceof Float32Array ? { rows: x.length / d, write: (row, out, offset) => out.set(x.subarray(row * d, (row + 1) * d), offset) } : x;
    const rows = source.rows;
    if (!Number.isInteger(rows) || rows === 0) throw new RangeError(`content-ae: no rows of ${d} to train on`);
    // Rows without any text teach nothing.
    const order: number[] = [];
    const probe = new Float32Array(d);
    for (let r = 0; r < rows; r++) {
      source.write(r, probe, 0);
      if (probe.some((v) => v !== 0)) order.push(r);
    }
    if (order.length === 0) return [];
    const rng = new SeededRandom(cfg.seed);
    const optimizer: tf.Optimizer = tf.train.adam(cfg.learningRate);
    const keep = 1 - cfg.noise;
    const batch = new Float32Array(Math.min(cfg.batchSize, order.length) * d);
    const mask = new Float32Array(batch.length);
    const losses: number[] = [];
    try {
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        rng.shuffle(order);
        let sum = 0;
        let steps = 0;
        for (let from = 0; from < order.length; from += cfg.batchSize) {
          const to = Math.min(order.length, from + cfg.batchSize);
          const n = to - from;
          for (let r = 0; r < n; r++) source.write(order[from + r]!, batch, r * d);
          for (let k = 0; k < n * d; k++) mask[k] = batch[k] !== 0 && rng.next() < keep ? 1 / keep : 0;
          const loss = tf.tidy(() => {
            const xb = tf.tensor2d(batch.subarray(0, n * d), [n, d]);
            const mb = cfg.noise > 0 ? tf.tensor2d(mask.subarray(0, n * d), [n, d]) : null;
            const { loss, grads } = this.step(xb, mb);
            optimizer.applyGradients(grads);
            return loss;
          });
          sum += (await loss.data())[0]!;
          loss.dispose();
          steps++;
        }
        const mean = sum / Math.max(1, steps);
        losses.push(mean);
        onProgress?.({ stage: 'content-ae', epoch, loss: mean, loaded: epoch, total: cfg.epochs });
      }
    } finally {
      optimizer.dispose();
    }
    return losses;
  }

  /** Weights as plain arrays (for a pack). */
  async toTensors(prefix = 'content-ae'): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const [name, v] of [['w1', this.w1], ['b1', this.b1], ['w2', this.w2], ['b2', this.b2]] as const) {
      out.push({ name: `${prefix}/${name}`, shape: [...v.shape], data: Float32Array.from((await v.data()) as Float32Array) });
    }
    return out;
  }

  static fromTensors(list: readonly NamedTensor[], prefix = 'content-ae'): ContentAutoencoder {
    const w1 = takeTensor(list, `${prefix}/w1`);
    const [inputDims, embedding] = w1.shape as [number, number];
    return new ContentAutoencoder(inputDims, embedding, {
      'ae/w1': w1.data,
      'ae/b1': takeTensor(list, `${prefix}/b1`, [embedding]).data,
      'ae/w2': takeTensor(list, `${prefix}/w2`, [embedding, inputDims]).data,
      'ae/b2': takeTensor(list, `${prefix}/b2`, [inputDims]).data,
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
