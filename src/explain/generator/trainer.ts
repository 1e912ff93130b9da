import * as tf from '@tensorflow/tfjs-core';
import { permutation, rngFor } from '../../util/random';
import { registerReasonGradients } from './gradients';
import { initialReasonWeights, ReasonNet, type Conditioning, type ReasonNetShape, type ReasonWeights } from './network';
import { MAX_REASON_TOKENS } from './text';
import type { Vocabulary } from './vocabulary';

/** One training example: what the reason is conditioned on, and the delexicalised target. */
export interface ReasonExample {
  cond: Conditioning;
  target: string[];
}

export interface ReasonTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop when the validation loss has not improved for this many epochs (best weights kept). */
  patience: number;
  onEpoch?: (e: { epoch: number; trainLoss: number; validationLoss: number; seconds: number }) => void;
}

export const DEFAULT_REASON_TRAINING: ReasonTrainOptions = { epochs: 8, batchSize: 128, learningRate: 0.005, seed: 42, patience: 1 };

export interface ReasonTrainResult {
  weights: ReasonWeights;
  /** Mean train loss per epoch. */
  trainLoss: number[];
  validationLoss: number[];
  bestEpoch: number;
  seconds: number;
}

export function encodeBatch(vocab: Vocabulary, batch: readonly ReasonExample[]) {
  const enc = batch.map((e) => vocab.encode(e.target));
  // Steps up to the longest target of the batch (+ its end token) only.
  const T = Math.max(...batch.map((e) => Math.min(e.target.length, MAX_REASON_TOKENS) + 1));
  return {
    conds: batch.map((e) => e.cond),
    inputs: enc.map((e) => e.input.subarray(0, T)),
    outputs: enc.map((e) => e.output.subarray(0, T)),
    mask: enc.map((e) => e.mask.subarray(0, T)),
  };
}

/** Mean loss of a network over examples (no training). */
export async function meanReasonLoss(net: ReasonNet, vocab: Vocabulary, examples: readonly ReasonExample[], batchSize = 128): Promise<number> {
  let sum = 0;
  let n = 0;
  for (let at = 0; at < examples.length; at += batchSize) {
    const b = encodeBatch(vocab, examples.slice(at, at + batchSize));
    const loss = tf.tidy(() => net.loss(b.conds, b.inputs, b.outputs, b.mask));
    sum += (await loss.data())[0]! * b.conds.length;
    n += b.conds.length;
    loss.dispose();
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Trains the generator with Adam on teacher-forced cross-entropy, in seeded mini-batches; keeps
 * the weights of the epoch with the lowest validation loss.
 */
export async function trainReasonNet(
  shape: ReasonNetShape,
  vocab: Vocabulary,
  train: readonly ReasonExample[],
  validation: readonly ReasonExample[],
  options: ReasonTrainOptions = DEFAULT_REASON_TRAINING,
): Promise<ReasonTrainResult> {
  registerReasonGradients();
  const start = performance.now();
  const net = new ReasonNet(shape, initialReasonWeights(shape, options.seed), true);
  const optimizer = tf.train.adam(options.learningRate);
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  let best = { loss: Infinity, epoch: 0, weights: await net.weights() };
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = permutation(train.length, rngFor(options.seed, `reasons-epoch-${epoch}`));
      let sum = 0;
      let n = 0;
      for (let at = 0; at < order.length; at += options.batchSize) {
        const b = encodeBatch(vocab, order.slice(at, at + options.batchSize).map((i) => train[i]!));
        const loss = optimizer.minimize(() => net.loss(b.conds, b.inputs, b.outputs, b.mask), true)!;
        sum += (await loss.data())[0]! * b.conds.length;
        n += b.conds.length;
        loss.dispose();
      }
      trainLoss.push(sum / Math.max(n, 1));
      const v = validation.length > 0 ? await meanReasonLoss(net, vocab, validation) : trainLoss.at(-1)!;
      validationLoss.push(v);
      options.onEpoch?.({ epoch, trainLoss: trainLoss.at(-1)!, validationLoss: v, seconds: (performance.now() - start) / 1000 });
      if (v < best.loss) best = { loss: v, epoch, weights: await net.weights() };
      else if (epoch - best.epoch >= options.patience) break;
    }
    return { weights: best.weights, trainLoss, validationLoss, bestEpoch: best.epoch, seconds: (performance.now() - start) / 1000 };
  } finally {
    net.dispose();
    optimizer.dispose();
  }
}
