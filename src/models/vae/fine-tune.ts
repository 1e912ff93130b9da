import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/random';
import { VaeNetwork, VAE_PARAM_NAMES, type VaeArchitecture, type VaeWeights } from './vae-network';
import { createAdam } from './adam';

export interface FineTuneOptions {
  /** Optimizer steps (each on `copies` dropped-out copies of the history). */
  steps: number;
  copies: number;
  learningRate: number;
  /** Which weights move: the encoder only (the shopper's interest mapping), or the whole network. */
  part: 'encoder' | 'all';
  /** Input dropout of the denoising objective (keep 1 − dropout of the items per copy). */
  dropout: number;
  /** KL weight. */
  beta: number;
  seed: number;
}

/**
 * Defaults. On validation users (`npm run eval -- --protocol strong --models vae+finetune`)
 * fine-tuning on one shopper's history moves NDCG@100 by less than the noise, with the encoder
 * alone or the whole network. Encoder-only is the default: its checkpoint is half the size, and
 * the item decoder, shared by every product's score, stays as the store trained it.
 */
export const DEFAULT_FINE_TUNE: FineTuneOptions = { steps: 10, copies: 8, learningRate: 1e-3, part: 'encoder', dropout: 0.5, beta: 0.2, seed: 42 };

export interface FineTuneResult {
  weights: VaeWeights;
  /** Mean loss of the first and of the last step. */
  firstLoss: number;
  lastLoss: number;
  steps: number;
  examples: number;
}

/**
 * Fine-tunes a trained VAE on one shopper's own history, on the device: the Mult-VAE denoising
 * objective (reconstruct the whole history from a dropped-out copy of it) over `copies` noisy
 * copies per step. With `part: 'encoder'` only the encoder moves — the shared item decoder stays as
 * trained on the store's data, so other products' scores keep their meaning, while the mapping from
 * this shopper's history to their interest vector adapts (it narrows the amortisation gap of
 * encoding a history in one pass). `onStep` lets a caller yield between steps.
 */
export async function fineTuneVae(
  base: VaeWeights,
  arch: VaeArchitecture,
  history: { indices: readonly number[]; weights: readonly number[] },
  options: Partial<FineTuneOptions> = {},
  onStep?: (step: number, loss: number) => Promise<void> | void,
): Promise<FineTuneResult> {
  const o = { ...DEFAULT_FINE_TUNE, ...options };
  const { items } = arch;
  if (history.indices.length === 0) throw new RangeError('fineTuneVae: the history is empty');
  const network = new VaeNetwork(arch, base, true);
  const optimizer = createAdam(o.learningRate);
  const rng = new Rng(o.seed);
  const target = new Float32Array(o.copies * items);
  const input = new Float32Array(o.copies * items);
  let norm = 0;
  for (const w of history.weights) norm += w * w;
  norm = Math.sqrt(norm);
  const keep = 1 - o.dropout;
  const moving = new Set(
    VAE_PARAM_NAMES.filter((name) => o.part === 'all' || name.startsWith('enc/')).map((name) => network.params[name].name),
  );
  let firstLoss = NaN;
  let lastLoss = NaN;
  try {
    for (let step = 0; step < o.steps; step++) {
      input.fill(0);
      for (let c = 0; c < o.copies; c++) {
        history.indices.forEach((col, k) => {
          const w = history.weights[k]!;
          target[c * items + col] = w;
          if (norm > 0 && (keep >= 1 || rng.next() < keep)) input[c * items + col] = w / norm / keep;
        });
      }
      const kl = new Float32Array(o.copies).fill(o.beta);
      const noiseSeed = rng.seed();
      const lossTensor = tf.tidy(() => {
        const { loss, grads } = network.trainStep(tf.tensor2d(input, [o.copies, items]), tf.tensor2d(target, [o.copies, items]), kl, 0, noiseSeed);
        const kept: tf.NamedTensorMap = {};
        for (const [name, grad] of Object.entries(grads)) if (moving.has(name)) kept[name] = grad;
        optimizer.applyGradients(kept);
        return loss;
      });
      const loss = (await lossTensor.data())[0]!;
      lossTensor.dispose();
      if (step === 0) firstLoss = loss;
      lastLoss = loss;
      await onStep?.(step + 1, loss);
    }
    return { weights: await network.weights(), firstLoss, lastLoss, steps: o.steps, examples: o.steps * o.copies };
  } finally {
    network.dispose();
    optimizer.dispose();
  }
}
