import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/random';
import type { Csr } from '../../util/csr';
import { metricValue, parseMetric, topK } from '../../util/ranking-metrics';
import { VaeNetwork, type SparseRows, type VaeWeights } from './vae-network';
import { CollaborativeBlend } from '../collaborative-blend';
import { createAdam, type VaeOptimizer } from './adam';

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
  /** Epochs without a better validation value before stopping. */
  patience: number;
  /** Validate every this many epochs. */
  validateEvery: number;
  /** Validation metric for early stopping (`NDCG@100`, `NDCG@20`, `Recall@20`, `HR@10`…). */
  validationMetric: string;
}

/**
 * Defaults measured on the development sets (strong protocol). The paper's 600/200 network gives
 * the same blended figures as 300/100 here (office, scientific) at twice the size and 1.6× the
 * training time, so the smaller one is the default; `hidden: 600, latent: 200` is the paper's.
 */
export const DEFAULT_VAE_TRAIN_CONFIG: VaeTrainConfig = {
  hidden: 300,
  latent: 100,
  dropout: 0.5,
  betaMax: 0.2,
  annealEpochs: 5,
  epochs: 30,
  batchSize: 100,
  learningRate: 1e-3,
  l2: 0,
  seed: 42,
  patience: 4,
  validateEvery: 1,
  validationMetric: 'NDCG@100',
};

export interface VaeProgressEvent {
  stage: 'train';
  epoch: number;
  loss: number;
  loaded: number;
  total: number;
  beta: number;
  /** Validation metric value (named by `metric`) after this epoch. */
  validation?: number;
  metric?: string;
  [key: string]: unknown;
}

export interface VaeValidation {
  inputs: Csr;
  targets: number[][];
}

export interface VaeFitResult {
  epochs: number;
  bestEpoch: number;
  /** Best validation value of `config.validationMetric`, or null without validation. */
  bestValidation: number | null;
  steps: number;
  examples: number;
  seconds: number;
  stoppedEarly: boolean;
}

/**
 * Largest share of a batch's [rows × items] cells set for which the encoder's first layer takes
 * the sparse path (segment sum + scatter-add) instead of the dense matmul on WASM/CPU. Measured
 * with `npx tsx tools/training-speed/density.ts` (WASM, 2,420 items, 300 hidden): sparse is faster
 * up to 10% density and even at 20% (tools/training-speed/README.md). Office is at 0.45%.
 */
export const SPARSE_INPUT_MAX_DENSITY = 0.1;

/**
 * Trains a Mult-VAE on the rows (users) of a CSR matrix: shuffled user batches per epoch (seeded),
 * input L2-normalised and dropped out, KL annealed, Adam. Training can run in slices
 * (`trainSteps`) so a worker can interleave it with serving; `fit` runs whole epochs with early
 * stopping on the validation users' metric (NDCG@100 by default) and restores the best weights.
 */
export class VaeTrainer {
  readonly config: VaeTrainConfig;
  readonly network: VaeNetwork;
  /** What validation scores with: the network alone, or blended with the model's item–item parts. */
  readonly scorer: CollaborativeBlend;
  private readonly optimizer: VaeOptimizer;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  /** Dense input rows, allocated on the first batch that takes the dense path. */
  private input: Float32Array | null = null;
  private readonly target: Float32Array;
  private readonly klWeights: Float32Array;
  /** Coordinate buffers of the sparse path, grown to the largest batch. */
  private cooRows = new Int32Array(0);
  private cooCols = new Int32Array(0);
  private readonly rowScale: Float32Array;
  /** Whether every training row's entries share one value and no column repeats (the sparse path's condition). */
  private readonly uniformRows: boolean;
  /** The current batch's input in coordinate form (views of the buffers above). */
  private coo: SparseRows;
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
    /** Builds the validation scorer around the network (default: the network alone). */
    serving?: (network: VaeNetwork) => CollaborativeBlend,
  ) {
    this.config = { ...DEFAULT_VAE_TRAIN_CONFIG, ...config };
    const { hidden, latent, seed, batchSize, learningRate } = this.config;
    this.rng = new Rng(seed);
    this.network = VaeNetwork.create({ items: train.cols, hidden, latent }, this.rng.seed());
    this.scorer = serving ? serving(this.network) : new CollaborativeBlend(this.network);
    this.optimizer = createAdam(learningRate);
    const nonEmpty: number[] = [];
    for (let r = 0; r < train.rows; r++) if (train.indptr[r + 1]! > train.indptr[r]!) nonEmpty.push(r);
    if (nonEmpty.length === 0) throw new Error('VaeTrainer: the training matrix has no interactions');
    this.order = this.rng.shuffle(Int32Array.from(nonEmpty));
    const rows = Math.min(batchSize, nonEmpty.length);
    this.target = new Float32Array(rows * train.cols);
    this.klWeights = new Float32Array(rows);
    this.rowScale = new Float32Array(rows);
    this.coo = { rows: 0, rowIds: this.cooRows, cols: this.cooCols, rowScale: this.rowScale };
    // The coordinate form holds one value per row and adds repeated columns up, where the dense
    // input keeps one: it is used only when every row has one value and no column twice.
    let uniform = true;
    const lastSeen = new Int32Array(train.cols).fill(-1);
    for (let r = 0; r < train.rows && uniform; r++) {
      for (let e = train.indptr[r]!; e < train.indptr[r + 1]!; e++) {
        const col = train.indices[e]!;
        if (train.values[e] !== train.values[train.indptr[r]!] || lastSeen[col] === r) uniform = false;
        lastSeen[col] = r;
      }
    }
    this.uniformRows = uniform;
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
    let total = 0;
    let steps = 0;
    let epochDone = false;
    while (steps < n) {
      const from = this.cursor;
      const to = Math.min(this.order.length, from + batchSize);
      const rows = to - from;
      const sparse = this.useSparseInput(from, to);
      this.fillBatch(from, to, 1 - dropout, sparse);
      this.klWeights.fill(this.beta);
      const noiseSeed = this.rng.seed();
      const lossTensor = tf.tidy(() => {
        const target = tf.tensor2d(this.target.subarray(0, rows * cols), [rows, cols]);
        const input = sparse ? this.coo : tf.tensor2d(this.input!.subarray(0, rows * cols), [rows, cols]);
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

  /**
   * Whether rows order[from..to) go into the encoder in coordinate form (segment sum forward,
   * scatter-add backward, see VaeNetwork.trainStep) rather than as a dense [rows × items] matrix
   * through a matmul: on the WASM and CPU backends, for histories with one value per row (binary)
   * and no repeated item, when at most
   * SPARSE_INPUT_MAX_DENSITY of the batch's cells are set (measured: tools/training-speed). GPU
   * backends keep the dense product (their scatter-add loops over every update per output cell).
   */
  private useSparseInput(from: number, to: number): boolean {
    const backend = tf.getBackend();
    if ((backend !== 'wasm' && backend !== 'cpu') || !this.uniformRows) return false;
    const m = this.train;
    let nnz = 0;
    for (let r = from; r < to; r++) nnz += m.indptr[this.order[r]! + 1]! - m.indptr[this.order[r]!]!;
    return nnz <= SPARSE_INPUT_MAX_DENSITY * (to - from) * m.cols;
  }

  /**
   * Dense target (raw history) and input (L2-normalised, then dropped out with kept entries
   * scaled by 1/keep, as in Liang et al.) for rows order[from..to): the input dense in
   * `this.input`, or (`sparse`) as coordinates in `this.coo`. Both draw the same dropout mask.
   */
  private fillBatch(from: number, to: number, keep: number, sparse: boolean): void {
    const m = this.train;
    const cols = m.cols;
    this.target.fill(0, 0, (to - from) * cols);
    let input: Float32Array | null = null;
    if (sparse) {
      let total = 0;
      for (let r = from; r < to; r++) total += m.indptr[this.order[r]! + 1]! - m.indptr[this.order[r]!]!;
      if (this.cooCols.length < total) {
        const size = Math.max(total, 2 * this.cooCols.length);
        this.cooRows = new Int32Array(size);
        this.cooCols = new Int32Array(size);
      }
    } else {
      input = this.input ??= new Float32Array(this.target.length);
      input.fill(0, 0, (to - from) * cols);
    }
    const { cooRows, cooCols, rowScale } = this;
    let nnz = 0;
    for (let r = from; r < to; r++) {
      const u = this.order[r]!;
      const base = (r - from) * cols;
      const start = m.indptr[u]!;
      const end = m.indptr[u + 1]!;
      let norm = 0;
      for (let e = start; e < end; e++) norm += m.values[e]! * m.values[e]!;
      norm = Math.sqrt(norm);
      for (let e = start; e < end; e++) {
        const col = m.indices[e]!;
        this.target[base + col] = m.values[e]!;
        if (norm > 0 && (keep >= 1 || this.rng.next() < keep)) {
          const value = m.values[e]! / norm / keep;
          if (input) {
            input[base + col] = value;
          } else {
            rowScale[r - from] = value;
            cooRows[nnz] = r - from;
            cooCols[nnz++] = col;
          }
        }
      }
    }
    if (sparse) {
      this.coo = { rows: to - from, rowIds: cooRows.subarray(0, nnz), cols: cooCols.subarray(0, nnz), rowScale };
    }
  }

  /** Runs the rest of the current epoch; returns its mean loss. */
  async trainEpoch(): Promise<number> {
    await this.trainSteps(Number.POSITIVE_INFINITY, true);
    const loss = this.epochLoss / Math.max(1, this.epochSteps);
    this.epochLoss = 0;
    this.epochSteps = 0;
    return loss;
  }

  /** Mean validation metric of the validation users (input items masked), or null without validation. */
  async validate(metric = this.config.validationMetric): Promise<number | null> {
    if (!this.validation) return null;
    return validationMetric(this.scorer, this.validation, metric);
  }

  /** Full training: epochs with validation-based early stopping; the best weights are restored. */
  async fit(): Promise<VaeFitResult> {
    const started = performance.now();
    const { epochs, patience, validateEvery } = this.config;
    let best: VaeWeights | null = null;
    let bestValue = -1;
    let bestEpoch = 0;
    let stoppedEarly = false;
    while (this.epoch < epochs) {
      const loss = await this.trainEpoch();
      const event: VaeProgressEvent = { stage: 'train', epoch: this.epoch, loss, loaded: this.epoch, total: epochs, beta: this.beta };
      if (this.validation && (this.epoch % validateEvery === 0 || this.epoch === epochs)) {
        const value = (await this.validate())!;
        event.validation = value;
        event.metric = this.config.validationMetric;
        if (value > bestValue) {
          bestValue = value;
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
      bestValidation: this.validation ? bestValue : null,
      steps: this.step,
      examples: this.examples,
      seconds: (performance.now() - started) / 1000,
      stoppedEarly,
    };
  }

  /** Frees the optimizer's state (the network stays usable for scoring). */
  disposeOptimizer(): void {
    this.optimizer.dispose();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
  }
}

/** Mean of a ranking metric (`NDCG@100`, `Recall@20`, `HR@10`…) over validation users, their input items masked. */
export async function validationMetric(
  scorer: { scoreRows(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array> },
  validation: VaeValidation,
  metric = 'NDCG@100',
): Promise<number> {
  const { inputs } = validation;
  const cols = inputs.cols;
  let sum = 0;
  let n = 0;
  const chunk = 512;
  for (let from = 0; from < inputs.rows; from += chunk) {
    const ids = Int32Array.from({ length: Math.min(chunk, inputs.rows - from) }, (_, i) => from + i);
    const scores = await scorer.scoreRows(inputs, ids);
    const part = rankingMetric(scores, cols, validation, ids, metric);
    sum += part.sum;
    n += part.n;
  }
  return n > 0 ? sum / n : 0;
}

/** Sum and count of a metric over rows `ids` (scores row r belongs to user ids[r]). */
export function rankingMetric(
  scores: Float32Array,
  cols: number,
  validation: VaeValidation,
  ids: ArrayLike<number>,
  metric: string,
): { sum: number; n: number } {
  const spec = parseMetric(metric);
  const { inputs, targets } = validation;
  const seen = new Uint8Array(cols);
  let sum = 0;
  let n = 0;
  for (let r = 0; r < ids.length; r++) {
    const u = ids[r]!;
    const target = targets[u]!;
    if (target.length === 0) continue;
    const history = inputs.indices.subarray(inputs.indptr[u]!, inputs.indptr[u + 1]!);
    for (const i of history) seen[i] = 1;
    sum += metricValue(spec, topK(scores, r * cols, cols, spec.k, null, seen), new Set(target));
    for (const i of history) seen[i] = 0;
    n++;
  }
  return { sum, n };
}
