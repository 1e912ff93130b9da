import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../src/shared/types';
import { ContentAutoencoder } from '../../src/models/content-ae/content-ae';
import { ContentFeaturizer } from '../../src/models/content-ae/content-features';
import { SeededRandom } from '../../src/models/content-ae/rng';
import { takeTensor, type NamedTensor } from '../../src/models/content-ae/tensor-list';
import { Generator, matMulBT, ParamSet } from './mlp';

/**
 * What scores an item nobody has interacted with yet, for a shopper with a history:
 *
 *   s(u, j) = γ·(h_u·v̂_j + b̂_j)                  GAR: the generated item vector and bias
 *           + β·⟨p̄_u, x_j⟩                        content-kNN shortcut (mean cosine to the history)
 *           + ⟨p̄_u·A, x_j·B⟩                      learned content similarity (low rank)
 *
 * with h_u the collaborative model's user representation (the VAE decoder's last hidden layer),
 * [v̂_j | b̂_j] = G(AE(x_j)) the generator's output from the item's autoencoder code, x_j the
 * item's unit feature vector and p̄_u the mean of the history items' feature vectors. Every
 * part of an item's side is a function of its catalog row, so a new row is scored as soon as it
 * is featurised: `encodeItems` → `score`, no retraining.
 */
export interface ColdTowerConfig {
  /** Learned content similarity rank (0 = none). */
  towerDims: number;
  /** Initial β of the cosine shortcut (learned; 0 and not learned when `cosine` is false). */
  cosineWeight: number;
  cosine: boolean;
  /** Use the generator's output (false = content terms only, an ablation). */
  gar: boolean;
  /** Add the generated bias b̂ (an item's predicted popularity) to the score. */
  garBias: boolean;
}

/** Generated codes of some catalog rows: tensors the caller disposes with `disposeCodes`. */
export interface ColdItemCodes {
  rows: number;
  /** Unit feature vectors [rows × D]. */
  x: tf.Tensor2D;
  /** Generated item vectors [rows × d]. */
  vectors: tf.Tensor2D;
  /** Generated biases [rows]. */
  bias: tf.Tensor1D;
  /** x·B [rows × towerDims], or null without the tower. */
  towerB: tf.Tensor2D | null;
}

export function disposeCodes(codes: ColdItemCodes): void {
  codes.x.dispose();
  codes.vectors.dispose();
  codes.bias.dispose();
  codes.towerB?.dispose();
}

/** Per-user mapping of cold scores onto the warm scores' scale (see cold-eval-model.ts). */
export interface ColdCalibration {
  /** Cold z-score multiplier. */
  scale: number;
  /** Offset in units of the user's warm-score standard deviation. */
  shift: number;
}

/** Which trained parts score (a subset of what the config trained; chosen on validation). */
export interface ColdParts {
  gar: boolean;
  tower: boolean;
  cosine: boolean;
}

export class ColdItemScorer {
  /** β and γ (shape [1]) and the tower matrices A, B ([D × towerDims]). */
  readonly tower: ParamSet;
  calibration: ColdCalibration = { scale: 1, shift: 0 };
  parts: ColdParts;

  constructor(
    readonly featurizer: ContentFeaturizer,
    readonly autoencoder: ContentAutoencoder,
    readonly generator: Generator,
    readonly config: ColdTowerConfig,
    weights?: readonly NamedTensor[],
    seed = 44,
  ) {
    this.tower = new ParamSet('cold-tower');
    this.parts = { gar: config.gar, tower: config.towerDims > 0, cosine: config.cosine };
    const D = featurizer.dims;
    const k = Math.max(1, config.towerDims);
    const rng = new SeededRandom(seed);
    const init = (name: string, shape: number[], f: () => Float32Array) =>
      this.tower.add(name, shape, weights ? takeTensor(weights, `cold-tower/${name}`, shape).data : f());
    init('beta', [1], () => Float32Array.of(config.cosine ? config.cosineWeight : 0));
    init('gamma', [1], () => Float32Array.of(1));
    const small = () => Float32Array.from({ length: D * k }, () => rng.normal() * 0.01);
    init('a', [D, k], small);
    init('b', [D, k], small);
  }

  /** d of the collaborative space (the generator outputs d + 1: vector and bias). */
  get dims(): number {
    return this.generator.outputDims - 1;
  }

  /** Codes of catalog rows given their unit feature vectors [rows × D]. */
  codesFromFeatures(x: Float32Array, rows = x.length / this.featurizer.dims): ColdItemCodes {
    const D = this.featurizer.dims;
    const d = this.dims;
    const tower = this.config.towerDims > 0 && this.parts.tower;
    const [xt, vectors, bias, towerB] = tf.tidy(() => {
      const xt = tf.tensor2d(x, [rows, D]);
      const { out } = this.generator.forward(this.autoencoder.embedTensor(xt));
      const vectors = tf.slice(out, [0, 0], [rows, d]) as tf.Tensor2D;
      const bias = tf.reshape(tf.slice(out, [0, d], [rows, 1]), [rows]) as tf.Tensor1D;
      return tower ? [xt, vectors, bias, tf.matMul(xt, this.tower.get('b')) as tf.Tensor2D] : [xt, vectors, bias];
    }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D?];
    return { rows, x: xt, vectors, bias, towerB: towerB ?? null };
  }

  /** Codes of catalog rows (new ones included): featurise, embed, generate. */
  encodeItems(items: readonly Item[]): ColdItemCodes {
    return this.codesFromFeatures(this.featurizer.matrix(items), items.length);
  }

  /**
   * Raw cold scores [users × rows of codes] for user representations h [users × d] and history
   * feature means p̄ [users × D]. Tensors in, a tensor out (the caller disposes it).
   */
  score(h: tf.Tensor2D, profile: tf.Tensor2D, codes: ColdItemCodes): tf.Tensor2D {
    return tf.tidy(() => {
      let s: tf.Tensor2D = tf.zeros([h.shape[0], codes.rows]);
      if (this.config.gar && this.parts.gar) {
        const g = matMulBT(h, codes.vectors);
        s = tf.mul(this.config.garBias ? tf.add(g, codes.bias) : g, this.tower.get('gamma')) as tf.Tensor2D;
      }
      if (this.config.cosine && this.parts.cosine) s = tf.add(s, tf.mul(matMulBT(profile, codes.x), this.tower.get('beta'))) as tf.Tensor2D;
      if (codes.towerB) s = tf.add(s, matMulBT(tf.matMul(profile, this.tower.get('a')), codes.towerB)) as tf.Tensor2D;
      return s;
    });
  }

  /** Everything needed to score cold items later, as plain arrays (featurizer, AE, G, tower, calibration). */
  async toTensors(): Promise<NamedTensor[]> {
    const { towerDims, cosineWeight, cosine, gar, garBias } = this.config;
    return [
      ...this.featurizer.toTensors(),
      ...(await this.autoencoder.toTensors()),
      ...(await this.generator.params.toTensors()),
      ...(await this.tower.toTensors()),
      {
        name: 'cold/config',
        shape: [12],
        data: Float32Array.of(
          towerDims,
          cosineWeight,
          cosine ? 1 : 0,
          gar ? 1 : 0,
          this.generator.hidden,
          this.generator.outputDims,
          this.calibration.scale,
          this.calibration.shift,
          garBias ? 1 : 0,
          this.parts.gar ? 1 : 0,
          this.parts.tower ? 1 : 0,
          this.parts.cosine ? 1 : 0,
        ),
      },
    ];
  }

  static fromTensors(list: readonly NamedTensor[]): ColdItemScorer {
    const c = takeTensor(list, 'cold/config', [12]).data;
    const featurizer = ContentFeaturizer.fromTensors(list);
    const autoencoder = ContentAutoencoder.fromTensors(list);
    const generator = new Generator(autoencoder.embedding, c[4]!, c[5]!, list);
    const scorer = new ColdItemScorer(featurizer, autoencoder, generator, { towerDims: c[0]!, cosineWeight: c[1]!, cosine: c[2] === 1, gar: c[3] === 1, garBias: c[8] === 1 }, list);
    scorer.calibration = { scale: c[6]!, shift: c[7]! };
    scorer.parts = { gar: c[9] === 1, tower: c[10] === 1, cosine: c[11] === 1 };
    return scorer;
  }

  dispose(): void {
    this.autoencoder.dispose();
    this.generator.params.dispose();
    this.tower.dispose();
  }
}

/** p̄: the mean feature vector of each row's history items, [rows × D] row-major (zeros for empty rows). */
export function historyProfiles(
  inputs: { indptr: Int32Array; indices: Int32Array; values: Float32Array; rows: number },
  features: Float32Array,
  dims: number,
  rowIds?: ArrayLike<number>,
): Float32Array {
  const ids = rowIds ?? Int32Array.from({ length: inputs.rows }, (_, r) => r);
  const out = new Float32Array(ids.length * dims);
  for (let r = 0; r < ids.length; r++) {
    const u = ids[r]!;
    const start = inputs.indptr[u]!;
    const end = inputs.indptr[u + 1]!;
    if (end === start) continue;
    let total = 0;
    for (let k = start; k < end; k++) total += inputs.values[k]!;
    const o = r * dims;
    for (let k = start; k < end; k++) {
      const w = inputs.values[k]! / (total || 1);
      const f = inputs.indices[k]! * dims;
      for (let s = 0; s < dims; s++) out[o + s]! += w * features[f + s]!;
    }
  }
  return out;
}
