import type { Item } from '../../src/shared/types';
import type { Csr } from '../../src/util/csr';
import { itemFeatures } from '../../src/features/item-features';

/**
 * Collaborative coherence of the catalog's features, for the new-item bridge's term weights
 * (src/rank/new-item-bridge.ts). A feature's coherence is the mean cosine between the buyer sets
 * of the known items that share it; the baseline is the same mean over all pairs of known items.
 * Words such as "black" or "pack" are shared by items nobody buys together, a brand or a model
 * series by items that are: weighting each feature's idf by its coherence over the baseline
 * (shrunk towards 1 for features few known items share) makes a new item's nearest known items
 * more often its real peers. It needs the store's interactions, so it is computed where a pack is
 * built and shipped as a table (manifest `coldStart.termWeights`); the worker only applies it.
 * A supervised term weighting in the spirit of Debole & Sebastiani 2003.
 */
export interface TermCoherence {
  features: string[];
  /** Pairs of known items sharing each feature. */
  pairs: Float64Array;
  /** Mean buyer-set cosine of those pairs (0 where there are none). */
  coherence: Float64Array;
  /** Mean buyer-set cosine over all pairs of known items. */
  baseline: number;
}

/** Pairs of known items a feature's coherence is shrunk over (κ): a feature on 3 items (3 pairs) is weighed half on its own pairs. */
export const COHERENCE_SHRINK_PAIRS = 3;

/** The coherence of every feature of `items` (itemFeatures) over `train` (users × items, aligned to `items`). */
export function termCoherence(items: readonly Item[], train: Csr): TermCoherence {
  const n = train.cols;
  if (items.length !== n) throw new Error(`termCoherence: ${items.length} items against ${n} columns`);
  // Each item's buyers (item → users), each buyer worth 1/√buyers: unit buyer-set vectors.
  const buyers = new Int32Array(n);
  for (const j of train.indices) buyers[j]! += 1;
  const ptr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) ptr[j + 1] = ptr[j]! + buyers[j]!;
  const users = new Int32Array(ptr[n]!);
  const fill = ptr.slice(0, n);
  for (let u = 0; u < train.rows; u++) for (let a = train.indptr[u]!; a < train.indptr[u + 1]!; a++) users[fill[train.indices[a]!]!++] = u;
  const featureItems = new Map<string, number[]>();
  items.forEach((item, j) => {
    if (buyers[j] === 0) return;
    for (const feature of itemFeatures(item).keys()) {
      let list = featureItems.get(feature);
      if (!list) featureItems.set(feature, (list = []));
      list.push(j);
    }
  });
  const sum = new Float64Array(train.rows);
  const touched: number[] = [];
  /** ‖Σ unit buyer vectors of `list`‖². */
  const squaredNormOfSum = (list: Iterable<number>): number => {
    for (const j of list) {
      const w = 1 / Math.sqrt(buyers[j]!);
      for (let a = ptr[j]!; a < ptr[j + 1]!; a++) {
        const u = users[a]!;
        if (sum[u] === 0) touched.push(u);
        sum[u]! += w;
      }
    }
    let squares = 0;
    for (const u of touched) {
      squares += sum[u]! * sum[u]!;
      sum[u] = 0;
    }
    touched.length = 0;
    return squares;
  };
  const features = [...featureItems.keys()];
  const pairs = new Float64Array(features.length);
  const coherence = new Float64Array(features.length);
  features.forEach((feature, f) => {
    const list = featureItems.get(feature)!;
    const c = list.length;
    if (c < 2) return;
    pairs[f] = (c * (c - 1)) / 2;
    // ‖Σ ŷ‖² = c + 2 Σ_pairs ŷᵢ·ŷₖ
    coherence[f] = (squaredNormOfSum(list) - c) / (c * (c - 1));
  });
  const known: number[] = [];
  for (let j = 0; j < n; j++) if (buyers[j]! > 0) known.push(j);
  const k = known.length;
  const baseline = k > 1 ? (squaredNormOfSum(known) - k) / (k * (k - 1)) : 0;
  return { features, pairs, coherence, baseline };
}

/**
 * The term weights at exponent `gamma` (BridgeSettings-independent: 0 gives none): each feature
 * shared by known items weighs ((pairs · coherence + κ · baseline) / (pairs + κ) / baseline)^γ,
 * rounded to 2 significant digits; weights within 5% of 1 are left out (they stay 1). The table
 * ships in the pack's manifest: on scientific at exponent 0.25, 11,725 features and 80 KB gzipped
 * (18 bytes an item, against about 1 KB an item for the rest of the pack).
 */
export function termWeightsAt(stats: TermCoherence, gamma: number, kappa = COHERENCE_SHRINK_PAIRS): Map<string, number> {
  const weights = new Map<string, number>();
  if (!(gamma > 0) || !(stats.baseline > 0)) return weights;
  stats.features.forEach((feature, f) => {
    const pairs = stats.pairs[f]!;
    if (pairs === 0) return;
    const shrunk = (pairs * stats.coherence[f]! + kappa * stats.baseline) / (pairs + kappa);
    const weight = Number(((shrunk / stats.baseline) ** gamma).toPrecision(2));
    if (Math.abs(weight - 1) >= 0.05) weights.set(feature, weight);
  });
  return weights;
}
