import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/backend/use-backend';
import type { BackendName } from '../../src/shared/types';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { trainVaeModel, type TrainedVaeModel, type VaeModelConfig } from '../../tools/recipe/vae-recipe';



/**
 * The `vae` model of the evaluation command: the product's model (Mult-VAE + item–item part,
 * see tools/recipe/vae-recipe.ts), trained with the protocol's validation users for early stopping and tuning.
 */
export class VaeEvalModel implements EvalModel {
  readonly name = 'vae';
  private trained: TrainedVaeModel | null = null;

  private readonly overrides: Partial<VaeModelConfig>;
  private readonly trainingBackend: BackendName;

  /** `tuneMetric`: the protocol's headline metric, used for early stopping and the blend weight. */
  constructor(options: { tuneMetric?: string; overrides?: Partial<VaeModelConfig>; backend?: BackendName } = {}) {
    this.overrides = { ...(options.tuneMetric ? { validationMetric: options.tuneMetric } : {}), ...options.overrides };
    this.trainingBackend = options.backend ?? 'wasm';
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.dispose();
    await useBackend(this.trainingBackend);
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
