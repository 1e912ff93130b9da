import * as tf from '@tensorflow/tfjs-core';
import { Rng } from './rng';
import { densifyRows, type Csr } from './sparse';
import { ndcgAt, topK } from './vae-metrics';
import { VaeNetwork, type VaeParamName } from './vae-network';
import { VaeScorer } from './vae-scorer';

export interface VaeTrainConfig {
  hidden: number;
  latent: number;
  /** Dropout rate on the L2-normalised input (0 = none). */
  dropout: number;
  /** KL weight cap; beta rises linearly from 0 to this over `annealEpochs`. */
  betaMax: number;
  annealEpochs: number;
  /** Maximum epochs (early stopping may end sooner when validation is given). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the weight matrices (coefficient of Σw²). */
  l2: number;
  seed: number;
  /** Epochs without a better validation NDCG@100 before stopping. */
  patience: number;
  /** Validate every this many epochs. */
  validateEvery: number;
}

export const DEFAULT_VAE_TRAIN_CONFIG: VaeTrainConfig = {
  hidden: 600,
  latent: 200,
  dropout: 0.5,
  betaMax: 0.2,
  annealEpochs: 40,
  epochs: 60,
  batchSize: 500,
  learningRate: 1e-3,
  l2: 0,
  seed: 42,
  patience: 10,
  validateEvery: 1,
};

export interface VaeProgressEvent {
  stage: 'train';
  epoch: number;
  loss: number;
  loaded: number;
  total: number;
  beta: number;
  ndcg100?: number;
  [key: string]: unknown;
}

export interface VaeValidation {
  inputs: Csr;
  targets: number[][];
}

export interface VaeFitResult {
  epochs: number;
  bestEpoch: number;
  bestNdcg100: number | null;
  steps: number;
  examples: number;
  seconds: number;
  stoppedEarly: boolean;
}

/**
 * Trains a Mult-VAE on the rows (users) of a CSR matrix: shuffled user batches per epoch (seeded),
 * input L2-normalised and dropped out, KL annealed. Training can run in slices (`trainSteps`) so
 * a worker can interleave it with serving; `fit` runs whole epochs with early stopping on the
 * validation users' NDCG@100 and restores the best weights.
 */
export class VaeTrainer {
  readonly config: VaeTrainConfig;
  readonly network: VaeNetwork;
  readonly scorer: VaeScorer;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private readonly klWeights: Float32Array;
  private readonly input: Float32Array;
  private readonly target: Float32Array;
  private cursor = 0;
  private epochLoss = 0;
  private epochSteps = 0;
  /** Completed epochs. */
  epoch = 0;
  /** Optimizer steps taken. */
  step = 0;
  /** Training rows processed (examples). */
  examples = 0;

  constructor(
    readonly train: Csr,
    config: Partial<VaeTrainConfig> = {},
    readonly validation?: VaeValidation,
    readonly onProgress?: (event: VaeProgressEvent) => void,
  ) {
    this.config = { ...DEFAULT_VAE_TRAIN_CONFIG, ...config };
    const { hidden, latent, seed, batchSize, learningRate } = this.config;
    this.rng = new Rng(seed);
    this.network = VaeNetwork.create({ items: train.cols, hidden, latent }, this.rng.seed());
    this.scorer = new VaeScorer(this.network);
    this.optimizer = tf.train.adam(learningRate);
    const nonEmpty: number[] = [];
    for (let r = 0; r < train.rows; r++) if (train.indptr[r + 1]! > train.indptr[r]!) nonEmpty.push(r);
    if (nonEmpty.length === 0) throw new Error('VaeTrainer: the training matrix has no interactions');
    this.order = this.rng.shuffle(Int32Array.from(nonEmpty));
    const rows = Math.min(batchSize, nonEmpty.length);
    this.klWeights = new Float32Array(rows);
    this.input = new Float32Array(rows * train.cols);
    this.target = new Float32Array(rows * train.cols);
  }

  get stepsPerEpoch(): number {
    return Math.ceil(this.order.length / this.config.batchSize);
  }

  /** The KL weight at the current step. */
  get beta(): number {
    const anneal = this.config.annealEpochs * this.stepsPerEpoch;
    return anneal <= 0 ? this.config.betaMax : this.config.betaMax * Math.min(1, this.step / anneal);
  }

  /**
   * Runs up to `n` optimizer steps (stopping at the end of the current epoch when `toEpochEnd`).
   * Returns the mean loss of the steps taken and whether an epoch was completed.
   */
  async trainSteps(n: number, toEpochEnd = false): Promise<{ steps: number; loss: number; epochDone: boolean }> {
    const { batchSize, dropout, l2 } = this.config;
    const cols = this.train.cols;
    const keep = 1 - dropout;
    const rng = this.rng;
    let total = 0;
    let steps = 0;
    let epochDone = false;
    while (steps < n) {
      const from = this.cursor;
      const to = Math.min(this.order.length, from + batchSize);
      const rows = to - from;
      densifyRows(this.train, this.order, from, to, this.target);
      densifyRows(this.train, this.order, from, to, this.input, (value, norm) =>
        norm > 0 && (keep >= 1 || rng.next() < keep) ? value / norm / keep : 0,
      );
      const beta = this.beta;
      this.klWeights.fill(beta);
      const noiseSeed = rng.seed();
      const lossTensor = tf.tidy(() => {
        const target = tf.tensor2d(this.target.subarray(0, rows * cols), [rows, cols]);
        const input = tf.tensor2d(this.input.subarray(0, rows * cols), [rows, cols]);
        const { loss, grads } = this.network.trainStep(input, target, this.klWeights, l2, noiseSeed);
        this.optimizer.applyGradients(grads);
        return loss;
      });
      const loss = (await lossTensor.data())[0]!;
      lossTensor.dispose();
      total += loss;
      steps++;
      this.step++;
      this.examples += rows;
      this.epochLoss += loss;
      this.epochSteps++;
      this.cursor = to;
      if (this.cursor >= this.order.length) {
        this.cursor = 0;
        this.epoch++;
        this.rng.shuffle(this.order);
        epochDone = true;
        if (toEpochEnd) break;
      }
    }
    return { steps, loss: steps > 0 ? total / steps : NaN, epochDone };
  }

  /** Runs the rest of the current epoch; returns its mean loss. */
  async trainEpoch(): Promise<number> {
    await this.trainSteps(Number.POSITIVE_INFINITY, true);
    const loss = this.epochLoss / Math.max(1, this.epochSteps);
    this.epochLoss = 0;
    this.epochSteps = 0;
    return loss;
  }

  /** Mean NDCG@k of the validation users (input items masked), or null without validation. */
  async validate(k = 100): Promise<number | null> {
    if (!this.validation) return null;
    return validationNdcg(this.scorer, this.validation, k);
  }

  /** Full training: epochs with validation-based early stopping; the best weights are restored. */
  async fit(): Promise<VaeFitResult> {
    const started = performance.now();
    const { epochs, patience, validateEvery } = this.config;
    let best: Record<VaeParamName, Float32Array> | null = null;
    let bestNdcg = -1;
    let bestEpoch = 0;
    let stoppedEarly = false;
    while (this.epoch < epochs) {
      const loss = await this.trainEpoch();
      const event: VaeProgressEvent = {
        stage: 'train',
        epoch: this.epoch,
        loss,
        loaded: this.epoch,
        total: epochs,
        beta: this.beta,
      };
      if (this.validation && (this.epoch % validateEvery === 0 || this.epoch === epochs)) {
        const ndcg = (await this.validate(100))!;
        event.ndcg100 = ndcg;
        if (ndcg > bestNdcg) {
          bestNdcg = ndcg;
          bestEpoch = this.epoch;
          best = await this.network.weights();
        } else if (this.epoch - bestEpoch >= patience) {
          stoppedEarly = true;
        }
      }
      this.onProgress?.(event);
      if (stoppedEarly) break;
    }
    if (best) this.network.assign(best);
    else bestEpoch = this.epoch;
    return {
      epochs: this.epoch,
      bestEpoch,
      bestNdcg100: this.validation ? bestNdcg : null,
      steps: this.step,
      examples: this.examples,
      seconds: (performance.now() - started) / 1000,
      stoppedEarly,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
  }
}

/** Mean NDCG@k over validation users, their input items masked. */
export async function validationNdcg(
  scorer: { scoreRows(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array> },
  validation: VaeValidation,
  k = 100,
): Promise<number> {
  const { inputs, targets } = validation;
  const cols = inputs.cols;
  let sum = 0;
  let n = 0;
  const chunk = 512;
  for (let from = 0; from < inputs.rows; from += chunk) {
    const ids = Int32Array.from({ length: Math.min(chunk, inputs.rows - from) }, (_, i) => from + i);
    const scores = await scorer.scoreRows(inputs, ids);
    for (let r = 0; r < ids.length; r++) {
      const u = ids[r]!;
      const target = targets[u]!;
      if (target.length === 0) continue;
      const row = scores.subarray(r * cols, (r + 1) * cols);
      const seen = new Set<number>(inputs.indices.subarray(inputs.indptr[u]!, inputs.indptr[u + 1]!));
      sum += ndcgAt(topK(row, k, seen), new Set(target), k);
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}
