import * as tf from '@tensorflow/tfjs-core';
import type { Csr, FitContext } from '../../eval/eval-model';
import { ContentAutoencoder, DEFAULT_CONTENT_AE, type ContentAeConfig } from '../../src/models/content-ae/content-ae';
import { ContentFeaturizer } from '../../src/models/content-ae/content-features';
import type { TrainedVaeModel } from '../../tools/recipe/vae-recipe';
import { ColdItemScorer, disposeCodes, type ColdItemCodes } from './cold-scorer';
import { DEFAULT_TOWER } from './cold-eval-model';
import { VaeSpace } from './collaborative-space';
import { Generator } from './mlp';
import { trainGar, type GarConfig, type GarReport } from './gar-trainer';
import { moments, standardiseBy } from '../../src/rank/standardise';

/**
 * The GAN as one more part of the new-item bridge (issue #18): the content autoencoder embeds
 * every catalog row, and the GAR generator (gar-trainer.ts, the GAR term alone: no cosine, no
 * tower) maps an embedding to a VAE item vector and bias, trained against the real vectors of the
 * known items. A shopper's generated score of a candidate is its logit h·v̂ + b̂, standardised by
 * the mean and deviation of the same shopper's VAE logits over the known items: the scale the
 * bridge's carried-over and ridge parts are on.
 */
export class GeneratorPart {
  private constructor(
    private readonly space: VaeSpace,
    private readonly scorer: ColdItemScorer,
    /** Generated vectors and biases of the candidates. */
    private readonly generated: ColdItemCodes,
    readonly candidates: Int32Array,
    /** The known items' real vectors [known × d] and biases: each shopper's logit scale. */
    private readonly knownVectors: tf.Tensor2D,
    private readonly knownBias: tf.Tensor1D,
    readonly report: GarReport,
    readonly seconds: { content_ae: number; gan: number },
  ) {}

  /**
   * Trains the autoencoder on every catalog row (public text) and the generator on the `known`
   * items (early-stopped on `validation` when given, else for `gar.epochs`).
   */
  static async train(args: {
    vae: TrainedVaeModel;
    context: FitContext;
    /** The VAE's training rows (the generator's ranking term trains on the same interactions). */
    train: Csr;
    /** Known items: the generator learns from them, and their logits set each shopper's scale. */
    known: Uint8Array;
    /** Rows to score later (sorted). */
    candidates: Int32Array;
    /** Shoppers' inputs and targets: the GAN's early stopping, over `candidates` unless it names its own. */
    validation?: { inputs: Csr; targets: number[][]; candidates?: Int32Array };
    /** Overrides of the autoencoder's and the GAN's training settings (tests: fewer epochs). */
    ae?: Partial<ContentAeConfig>;
    gar?: Partial<GarConfig>;
  }): Promise<GeneratorPart> {
    const { vae, context, candidates } = args;
    const t0 = performance.now();
    const featurizer = ContentFeaturizer.fit(context.items);
    const features = featurizer.matrix(context.items);
    const aeConfig = { ...DEFAULT_CONTENT_AE, seed: context.seed, ...args.ae };
    const autoencoder = ContentAutoencoder.create(featurizer.dims, aeConfig.embedding, aeConfig.seed);
    await autoencoder.fit(features, aeConfig);
    const codes = await autoencoder.embed(features);
    const t1 = performance.now();
    const space = new VaeSpace(vae);
    const generator = new Generator(autoencoder.embedding, 256, space.dims + 1, undefined, context.seed + 3);
    const scorer = new ColdItemScorer(featurizer, autoencoder, generator, { ...DEFAULT_TOWER, towerDims: 0, cosine: false, gar: true }, undefined, context.seed + 5);
    const knownRows: number[] = [];
    args.known.forEach((k, j) => k && knownRows.push(j));
    try {
      const report = await trainGar({
        scorer,
        space,
        train: args.train,
        trainItems: Int32Array.from(knownRows),
        features,
        codes,
        ...(args.validation ? { validation: { inputs: args.validation.inputs, targets: args.validation.targets, candidates: args.validation.candidates ?? candidates } } : {}),
        config: { seed: context.seed, ...args.gar },
      });
      const t2 = performance.now();
      const D = featurizer.dims;
      const x = new Float32Array(candidates.length * D);
      candidates.forEach((j, p) => x.set(features.subarray(j * D, (j + 1) * D), p * D));
      const generated = scorer.codesFromFeatures(x, candidates.length);
      const { vectors, bias } = await space.itemVectors();
      const d = space.dims;
      const knownW = new Float32Array(knownRows.length * d);
      knownRows.forEach((j, p) => knownW.set(vectors.subarray(j * d, (j + 1) * d), p * d));
      return new GeneratorPart(
        space,
        scorer,
        generated,
        candidates,
        tf.tensor2d(knownW, [knownRows.length, d]),
        tf.tensor1d(Float32Array.from(knownRows, (j) => bias[j]!)),
        report,
        { content_ae: Math.round(t1 - t0) / 1000, gan: Math.round(t2 - t1) / 1000 },
      );
    } catch (error) {
      scorer.dispose();
      throw error;
    }
  }

  /** z-scores [inputs.rows × candidates] (row-major) of the candidates for each input row. */
  async scores(inputs: Csr): Promise<Float32Array> {
    const P = this.candidates.length;
    const K = this.knownVectors.shape[0];
    const z = new Float32Array(inputs.rows * P);
    for (let from = 0; from < inputs.rows; from += 256) {
      const ids = Int32Array.from({ length: Math.min(256, inputs.rows - from) }, (_, i) => from + i);
      const [cand, warm] = tf.tidy(() => {
        const h = this.space.userTensor(inputs, ids);
        return [tf.add(tf.matMul(h, this.generated.vectors, false, true), this.generated.bias), tf.add(tf.matMul(h, this.knownVectors, false, true), this.knownBias)];
      });
      const c = (await cand!.data()) as Float32Array;
      const k = (await warm!.data()) as Float32Array;
      cand!.dispose();
      warm!.dispose();
      for (let r = 0; r < ids.length; r++) z.set(standardiseBy(c.subarray(r * P, (r + 1) * P), moments(k.subarray(r * K, (r + 1) * K))), (from + r) * P);
    }
    return z;
  }

  dispose(): void {
    disposeCodes(this.generated);
    this.knownVectors.dispose();
    this.knownBias.dispose();
    this.scorer.dispose();
  }
}
