import type { Item } from '../../src/shared/types';
import { contentNeighbours } from './content-neighbours';
import { cosineNeighbours, easeHeadItems, easeNeighbours } from './item-item-fit';
import { csrSelectRows, sparseGram } from '../../src/util/csr';
import { neighbourScores, truncateNeighbours, type ItemNeighbours } from '../../src/models/item-item/item-item';
import type { Csr } from '../../src/util/csr';
import { CollaborativeBlend, type PartWeights } from '../../src/models/collaborative-blend';
import { DEFAULT_VAE_TRAIN_CONFIG, rankingMetric, VaeTrainer, type VaeFitResult, type VaeTrainConfig, type VaeValidation } from '../../src/models/vae/vae-trainer';

/**
 * The product's recommendation model: a Mult-VAE over shopping histories, blended with sparse
 * item–item parts. The VAE models a shopper's taste as a whole; the parts keep what a
 * 200-dimensional bottleneck blurs:
 * - `ease`: EASE's closed form (Steck 2019), each item's top-k weights — sharp "bought with" pairs;
 * - `knn`: cosine of the items' buyer sets, top-k — the classic item-kNN;
 * - `content`: cosine of the items' catalog text and attributes, top-k — for items few bought.
 * Each component's scores are standardised per shopper and blended with weights chosen on the
 * validation users (defaults without them). On the development sets the blend beats each part.
 */
export interface VaeModelConfig extends VaeTrainConfig {
  /** EASE part. */
  ease: boolean;
  /** λ of the EASE part without validation data. */
  easeLambda: number;
  /** λ values tried on validation users (the best by `validationMetric` is kept). */
  easeLambdas: number[];
  /** Item-kNN part. */
  knn: boolean;
  /** Content part (needs catalog text: `items`). */
  content: boolean;
  /** Neighbours kept per item in every part. */
  neighbours: number;
  /**
   * Longer EASE lists the validation users may choose (dense data keeps more of EASE's weight
   * in the long tail of each row), and the whole row: the shortest within 1% of the best is kept;
   * lists are capped at 4M entries in all (pack size).
   */
  easeNeighbourChoices: number[];
  /** Blend weights without validation data (and while early stopping): part kind → weight. */
  weights: Record<string, number>;
  /** Tune the blend weights on the validation users (coordinate ascent in steps of 0.1). */
  tuneWeights: boolean;
  /**
   * What the tuning may hold of component scores, in floats (default 200M, 800 MB): it holds
   * [users × items] per component, so past this it uses evenly spaced validation users.
   */
  blendTuningFloats: number;
}

export const DEFAULT_VAE_MODEL_CONFIG: VaeModelConfig = {
  ...DEFAULT_VAE_TRAIN_CONFIG,
  ease: true,
  easeLambda: 200,
  easeLambdas: [50, 100, 200, 400, 800, 1600],
  knn: true,
  content: true,
  neighbours: 50,
  easeNeighbourChoices: [200, 1000],
  weights: { ease: 0.3, knn: 0.1, content: 0.2 },
  tuneWeights: true,
  blendTuningFloats: 200_000_000,
};

export interface VaeProgress {
  stage: string;
  loaded: number;
  total: number;
  [key: string]: unknown;
}

export interface TrainedVaeModel {
  scorer: CollaborativeBlend;
  config: VaeModelConfig;
  /** What training chose and measured. */
  report: {
    easeLambda: number | null;
    /** Blend weight per component, VAE included. */
    weights: Record<string, number>;
    vae: VaeFitResult;
    /** Validation value of `config.validationMetric` of the final blend, or null. */
    validation: number | null;
    seconds: number;
    examplesPerSecond: number;
  };
}

/** Mean validation metric of one part's scores alone. */
function partValidation(nb: ItemNeighbours, validation: VaeValidation, metric: string): number {
  const { inputs } = validation;
  const cols = inputs.cols;
  const ids = Int32Array.from({ length: inputs.rows }, (_, r) => r);
  const chunk = 256;
  const out = new Float32Array(chunk * cols);
  let sum = 0;
  let n = 0;
  for (let from = 0; from < inputs.rows; from += chunk) {
    const to = Math.min(inputs.rows, from + chunk);
    neighbourScores(nb, inputs, ids, from, to, out);
    const part = rankingMetric(out, cols, validation, ids.subarray(from, to), metric);
    sum += part.sum;
    n += part.n;
  }
  return n > 0 ? sum / n : 0;
}

/** Evenly spaced validation rows that keep the tuning under `budget` floats, or null when all fit. */
function blendTuningUsers(users: number, items: number, components: number, budget: number): Int32Array | null {
  const fit = Math.floor(budget / (items * components));
  if (users <= fit) return null;
  const count = Math.max(1, fit);
  return Int32Array.from({ length: count }, (_, i) => Math.floor((i * users) / count));
}

/** Blend weights by coordinate ascent (steps of 0.1, Σ ≤ 1) on cached standardised component scores. */
function tuneWeights(
  components: Float32Array[],
  start: number[],
  validation: VaeValidation,
  metric: string,
  onTry: (weights: number[], value: number) => void,
): { weights: number[]; value: number } {
  const cols = validation.inputs.cols;
  const ids = Int32Array.from({ length: validation.inputs.rows }, (_, r) => r);
  const blended = new Float32Array(components[0]!.length);
  const cache = new Map<string, number>();
  const evaluate = (w: number[]): number => {
    const key = w.map((x) => x.toFixed(1)).join(',');
    const known = cache.get(key);
    if (known !== undefined) return known;
    const vae = Math.max(0, 1 - w.reduce((a, b) => a + b, 0));
    const c0 = components[0]!;
    for (let i = 0; i < blended.length; i++) blended[i] = vae * c0[i]!;
    w.forEach((wp, p) => {
      if (wp <= 0) return;
      const c = components[p + 1]!;
      for (let i = 0; i < blended.length; i++) blended[i]! += wp * c[i]!;
    });
    const { sum, n } = rankingMetric(blended, cols, validation, ids, metric);
    const value = n > 0 ? sum / n : 0;
    cache.set(key, value);
    onTry(w, value);
    return value;
  };
  const round = (x: number): number => Math.round(x * 10) / 10;
  let weights = start.map(round);
  let value = evaluate(weights);
  for (let pass = 0; pass < 4; pass++) {
    let improved = false;
    for (let p = 0; p < weights.length; p++) {
      for (const delta of [0.1, -0.1]) {
        for (;;) {
          const next = weights.slice();
          next[p] = round(next[p]! + delta);
          if (next[p]! < 0 || next.reduce((a, b) => a + b, 0) > 1 + 1e-9) break;
          const v = evaluate(next);
          if (v <= value) break;
          weights = next;
          value = v;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { weights, value };
}

/**
 * Trains the full model on the rows of `train`. With validation users, λ of the EASE part, the
 * VAE's epoch (early stopping) and the blend weights are chosen on them. `items` (catalog
 * metadata aligned with the columns) feeds the content part.
 */
export async function trainVaeModel(
  train: Csr,
  config: Partial<VaeModelConfig> = {},
  options: { validation?: VaeValidation; onProgress?: (event: VaeProgress) => void; items?: readonly Item[] } = {},
): Promise<TrainedVaeModel> {
  const cfg: VaeModelConfig = { ...DEFAULT_VAE_MODEL_CONFIG, ...config, weights: { ...DEFAULT_VAE_MODEL_CONFIG.weights, ...config.weights } };
  const { validation, onProgress } = options;
  const metric = cfg.validationMetric;
  const started = performance.now();
  const parts: ItemNeighbours[] = [];
  let lambda: number | null = null;
  const gram = cfg.ease || cfg.knn ? sparseGram(train) : undefined;
  if (cfg.ease && gram) {
    const lambdas = validation ? cfg.easeLambdas : [cfg.easeLambda];
    const head = easeHeadItems(gram);
    const n = gram.rows;
    // "All" keeps EASE's negative weights too, which suppress on dense data what the top of a row cannot.
    const candidates = [...cfg.easeNeighbourChoices.filter((k) => k < head.length - 1), head.length - 1];
    const choices = [cfg.neighbours, ...(validation ? candidates : [])].filter((k, i) => i === 0 || (k > cfg.neighbours && n * k <= 4_000_000));
    const longest = Math.max(...choices);
    // Hill climb over the sorted λ grid from its middle (validation quality is unimodal in λ in
    // practice): each try is one dense inverse, minutes at 12k items.
    const tried = new Map<number, { nb: ItemNeighbours; value: number }>();
    const tryAt = (at: number): number => {
      const known = tried.get(at);
      if (known) return known.value;
      const nb = easeNeighbours(gram, lambdas[at]!, longest, head);
      const value = validation ? partValidation(truncateNeighbours(nb, cfg.neighbours), validation, metric) : 0;
      tried.set(at, { nb, value });
      onProgress?.({ stage: 'ease', loaded: tried.size, total: lambdas.length, lambda: lambdas[at], headItems: head.length, ...(validation ? { [metric]: value } : {}) });
      return value;
    };
    let at = Math.floor((lambdas.length - 1) / 2);
    if (head.length <= 5000) {
      // Small catalogs: every λ (seconds each), the first best wins.
      at = 0;
      for (let i = 0; i < lambdas.length; i++) if (tryAt(i) > tryAt(at)) at = i;
    } else {
      let value = tryAt(at);
      for (;;) {
        let next = at;
        for (const nb of [at - 1, at + 1]) if (nb >= 0 && nb < lambdas.length && tryAt(nb) > value) [next, value] = [nb, tryAt(nb)];
        if (next === at) break;
        at = next;
      }
    }
    lambda = lambdas[at]!;
    const full = tried.get(at)!.nb;
    let kept = truncateNeighbours(full, cfg.neighbours);
    if (validation && choices.length > 1) {
      const values = choices.map((k) => partValidation(truncateNeighbours(full, k), validation, metric));
      const best = Math.max(...values);
      const k = choices[values.findIndex((v) => v >= best * 0.99)]!;
      kept = truncateNeighbours(full, k);
      onProgress?.({ stage: 'ease-neighbours', loaded: 1, total: 1, chosen: k, validation: Object.fromEntries(choices.map((c, i) => [c, Number(values[i]!.toFixed(5))])) });
    }
    parts.push(kept);
  }
  if (cfg.knn && gram) {
    parts.push(cosineNeighbours(gram, cfg.neighbours));
    onProgress?.({ stage: 'knn', loaded: 1, total: 1 });
  }
  if (cfg.content && options.items && options.items.length === train.cols) {
    const nb = await contentNeighbours(options.items, cfg.neighbours);
    if (nb) parts.push(nb);
    onProgress?.({ stage: 'content', loaded: 1, total: 1, used: nb !== null });
  }
  const defaults = parts.map((p) => cfg.weights[p.kind] ?? 0);
  const trainer = new VaeTrainer(train, cfg, validation, onProgress, (network) => new CollaborativeBlend(network, parts, defaults));
  let vae: VaeFitResult;
  try {
    vae = await trainer.fit();
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  // The optimizer's moments are no longer needed; the network lives on in the scorer.
  trainer.disposeOptimizer();
  let scorer = trainer.scorer;
  let validationValue: number | null = vae.bestValidation;
  if (validation && cfg.tuneWeights && parts.length > 0) {
    // The tuning holds every component's scores of every validation user: [users × items] each.
    // Past cfg.blendTuningFloats it uses evenly spaced validation users (89k users × 100k items ×
    // 4 components is 36 billion floats; the loo run on a 100k-item store crashed there).
    const sample = blendTuningUsers(validation.inputs.rows, train.cols, parts.length + 1, cfg.blendTuningFloats);
    const tuning: VaeValidation = sample ? { inputs: csrSelectRows(validation.inputs, sample), targets: Array.from(sample, (r) => validation.targets[r]!) } : validation;
    if (sample) onProgress?.({ stage: 'blend-users', loaded: sample.length, total: validation.inputs.rows });
    const components = await scorer.componentScores(tuning.inputs);
    let tries = 0;
    const tuned = tuneWeights(components, defaults, tuning, metric, (weights, value) => {
      tries++;
      onProgress?.({ stage: 'blend', loaded: tries, total: tries, weights: Object.fromEntries(parts.map((p, i) => [p.kind, weights[i]])), [metric]: value });
    });
    scorer = scorer.withWeights(tuned.weights);
    validationValue = tuned.value;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    scorer,
    config: cfg,
    report: {
      easeLambda: lambda,
      weights: { vae: round2(scorer.vaeWeight), ...Object.fromEntries(parts.map((p, i) => [p.kind, round2(scorer.weights[i]!)])) },
      vae,
      validation: validationValue,
      seconds,
      examplesPerSecond: vae.examples / Math.max(1e-9, vae.seconds),
    },
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export type { PartWeights };
