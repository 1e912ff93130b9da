import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/backend/use-backend';
import type { BackendName } from '../../src/shared/types';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { trainVaeModel, type TrainedVaeModel, type VaeModelConfig } from '../../tools/recipe/vae-recipe';
import { compactScorer, type CompactOptions } from '../../tools/recipe/compact-pack';
import type { CollaborativeBlend } from '../../src/models/collaborative-blend';
import { columnCounts } from '../../src/util/csr';

/**
 * Trained models by training matrix and settings, so that `vae-compact` in the same run scores
 * the very model `vae` trained (the pair the compact pack is judged by) without training again.
 */
const trainedByData = new WeakMap<Csr, Map<string, TrainedVaeModel>>();

/**
 * The `vae` model of the evaluation command: the product's model (Mult-VAE + item–item part,
 * see tools/recipe/vae-recipe.ts), trained with the protocol's validation users for early stopping and tuning.
 */
export class VaeEvalModel implements EvalModel {
  readonly name: string;
  private trained: TrainedVaeModel | null = null;
  /** With `compact`: the scorer decoded from the compact pack of the trained model. */
  private served: CollaborativeBlend | null = null;
  private compactReport: Record<string, unknown> | null = null;
  private readonly compact: CompactOptions | null;

  private readonly overrides: Partial<VaeModelConfig>;
  private readonly trainingBackend: BackendName;

  /** `tuneMetric`: the protocol's headline metric, used for early stopping and the blend weight. */
  constructor(options: { tuneMetric?: string; overrides?: Partial<VaeModelConfig>; backend?: BackendName; compact?: CompactOptions; name?: string } = {}) {
    this.name = options.name ?? 'vae';
    this.compact = options.compact ?? null;
    this.overrides = { ...(options.tuneMetric ? { validationMetric: options.tuneMetric } : {}), ...options.overrides };
    this.trainingBackend = options.backend ?? 'wasm';
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.dispose();
    await useBackend(this.trainingBackend);
    const key = JSON.stringify({ seed: context.seed, overrides: this.overrides, backend: this.trainingBackend, validation: context.validation?.inputs.rows ?? 0 });
    const cache = trainedByData.get(train) ?? new Map<string, TrainedVaeModel>();
    trainedByData.set(train, cache);
    const known = cache.get(key);
    this.trained =
      known ??
      (await trainVaeModel(
        train,
        { seed: context.seed, ...this.overrides },
        {
          ...(context.validation ? { validation: context.validation } : {}),
          ...(context.onProgress ? { onProgress: context.onProgress } : {}),
          items: context.items,
        },
      ));
    if (!known) cache.set(key, this.trained);
    if (this.compact) {
      const { scorer, report } = await compactScorer(this.trained.scorer, { ...this.compact, itemCounts: columnCounts(train) });
      this.served = scorer;
      this.compactReport = report;
    }
  }

  /** The trained scorer (network + item–item parts + blend), once fitted. */
  get scorer(): TrainedVaeModel['scorer'] | null {
    return this.trained?.scorer ?? null;
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    if (!this.trained) throw new Error('vae: scoreBatch before fit');
    return (this.served ?? this.trained.scorer).scoreRows(inputs);
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
      easeNeighbours: this.trained?.scorer.parts.find((p) => p.kind === 'ease')?.k ?? null,
      weights: r.weights,
      validationMetric: c.validationMetric,
      validation: r.validation,
      examplesPerSecond: Math.round(r.examplesPerSecond),
      ...(this.compactReport ? { compactPack: this.compactReport } : {}),
    };
  }

  backend(): string {
    return tf.getBackend();
  }

  dispose(): void {
    // The trained network stays in the cache for a compact twin of this run; the decoded one goes.
    this.served?.network.dispose();
    this.served = null;
    this.trained = null;
  }
}
