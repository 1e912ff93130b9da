import { BestK } from './best-k';

/**
 * Ranking and the ranking metrics of shared/EVALUATION.md, shared by the VAE trainer's early
 * stopping and the evaluation. Equal scores go to the lower tie rank (`tieRank[i]`, or the index).
 */

/**
 * The best `k` candidates of `scores[offset .. offset+n)`, best first. Items with `blocked[i]`
 * (the user's input history, non-candidates) are never ranked; NaN scores rank as -Infinity.
 * A size-k min-heap keeps this O(n log k).
 */
export function topK(
  scores: Float32Array,
  offset: number,
  n: number,
  k: number,
  tieRank: Int32Array | null = null,
  blocked?: Uint8Array,
): Int32Array {
  const best = new BestK(k, tieRank);
  for (let i = 0; i < n; i++) {
    if (blocked && blocked[i]) continue;
    const s = scores[offset + i] as number;
    best.push(Number.isNaN(s) ? -Infinity : s, i);
  }
  return best.take().ids;
}

/** hits in the top k / min(k, #targets). */
export function recallAt(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let hits = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r] as number)) hits++;
  return hits / Math.min(k, targets.size);
}

/** DCG of the top k (gain 1/log2(rank+2)) over the ideal DCG of min(k, #targets) hits. */
export function ndcgAt(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r] as number)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, targets.size); r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** 1 when any target is in the top k (leave-one-out has exactly one). */
export function hitRateAt(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r] as number)) return 1;
  return 0;
}

/**
 * Reciprocal rank of the first target in the top k (1/rank, rank counted from 1), 0 when none is
 * there: with one target per list (`sessions`' next click), its mean is MRR@k.
 */
export function reciprocalRankAt(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r] as number)) return 1 / (r + 1);
  return 0;
}

/** A metric key of EVALUATION.md ("Recall@20", "NDCG@100", "HR@10", "MRR@20") parsed into kind and cutoff. */
export interface MetricSpec {
  key: string;
  kind: 'Recall' | 'NDCG' | 'HR' | 'MRR';
  k: number;
}

export function parseMetric(key: string): MetricSpec {
  const m = /^(Recall|NDCG|HR|MRR)@(\d+)$/.exec(key);
  if (!m) throw new Error(`unknown metric "${key}"`);
  return { key, kind: m[1] as MetricSpec['kind'], k: Number(m[2]) };
}

/** The value of one metric for one ranked list. */
export function metricValue(spec: MetricSpec, ranked: ArrayLike<number>, targets: ReadonlySet<number>): number {
  switch (spec.kind) {
    case 'Recall':
      return recallAt(ranked, targets, spec.k);
    case 'NDCG':
      return ndcgAt(ranked, targets, spec.k);
    case 'HR':
      return hitRateAt(ranked, targets, spec.k);
    case 'MRR':
      return reciprocalRankAt(ranked, targets, spec.k);
  }
}
