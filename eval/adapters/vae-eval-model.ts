import * as tf from '@tensorflow/tfjs-core';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { trainVaeModel, type TrainedVaeModel, type VaeModelConfig } from '../../tools/recipe/vae-recipe';

export type TrainingBackend = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

/** Makes `name` the tfjs backend (importing it first), unless it already is. */
export async function ensureBackend(name: TrainingBackend): Promise<void> {
  if (tf.findBackend(name) == null) {
    switch (name) {
      case 'wasm':
        await import('@tensorflow/tfjs-backend-wasm');
        break;
      case 'cpu':
        await import('@tensorflow/tfjs-backend-cpu');
        break;
      case 'webgl':
        await import('@tensorflow/tfjs-backend-webgl');
        break;
      case 'webgpu':
        await import('@tensorflow/tfjs-backend-webgpu');
        break;
    }
  }
  if (tf.getBackend() !== name) {
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialise`);
  }
  await tf.ready();
}

/**
 * The `vae` model of the evaluation command: the product's model (Mult-VAE + item–item part,
 * see vae-model.ts), trained with the protocol's validation users for early stopping and tuning.
 */
export class VaeEvalModel implements EvalModel {
  readonly name = 'vae';
  private trained: TrainedVaeModel | null = null;

  private readonly overrides: Partial<VaeModelConfig>;
  private readonly trainingBackend: TrainingBackend;

  /** `tuneMetric`: the protocol's headline metric, used for early stopping and the blend weight. */
  constructor(options: { tuneMetric?: string; overrides?: Partial<VaeModelConfig>; backend?: TrainingBackend } = {}) {
    this.overrides = { ...(options.tuneMetric ? { validationMetric: options.tuneMetric } : {}), ...options.overrides };
    this.trainingBackend = options.backend ?? 'wasm';
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.dispose();
    await ensureBackend(this.trainingBackend);
    this.trained = await trainVaeModel(
      train,
      { seed: context.seed, ...this.overrides },
      {
        ...(context.validation ? { validation: context.validation } : {}),
        ...(context.onProgress ? { onProgress: context.onProgress } : {}),
        items: context.items,
      },
    );
  }

  /** The trained scorer (network + item–item parts + blend), once fitted. */
  get scorer(): TrainedVaeModel['scorer'] | null {
    return this.trained?.scorer ?? null;
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    if (!this.trained) throw new Error('vae: scoreBatch before fit');
    return this.trained.scorer.scoreRows(inputs);
  }

  settings(): Record<string, unknown> {
    const c = this.trained?.config;
    const r = this.trained?.report;
    if (!c || !r) return { ...this.overrides };
    return {
      hidden: c.hidden,
      latent: c.latent,
      dropout: c.dropout,
      betaMax: c.betaMax,
      annealEpochs: c.annealEpochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      l2: c.l2,
      maxEpochs: c.epochs,
      patience: c.patience,
      epochsRun: r.vae.epochs,
      bestEpoch: r.vae.bestEpoch,
      parts: Object.keys(r.weights).filter((k) => k !== 'vae'),
      easeLambda: r.easeLambda,
      neighbours: c.neighbours,
      weights: r.weights,
      validationMetric: c.validationMetric,
      validation: r.validation,
      examplesPerSecond: Math.round(r.examplesPerSecond),
    };
  }

  backend(): string {
    return tf.getBackend();
  }

  dispose(): void {
    this.trained?.scorer.network.dispose();
    this.trained = null;
  }
}
