import { permutation, rngFor } from './random';

/**
 * Ranking and the ranking metrics of shared/EVALUATION.md. Equal scores are ordered by a fixed
 * seeded item order (`tieRanks`), so results never depend on sort stability or item ids.
 */

/** tieRank[item] = position of the item in a seeded random order; lower wins a tie. */
export function tieRanks(n: number, seed: number): Int32Array {
  const ranks = new Int32Array(n);
  permutation(n, rngFor(seed, 'ties')).forEach((item, pos) => (ranks[item] = pos));
  return ranks;
}

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
  tieRank: Int32Array,
  blocked?: Uint8Array,
): Int32Array {
  const heapItems = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  // a worse than b?
  const worse = (sa: number, ia: number, sb: number, ib: number): boolean =>
    sa < sb || (sa === sb && (tieRank[ia] as number) > (tieRank[ib] as number));
  const siftDown = (at: number): void => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < size && worse(heapScores[l] as number, heapItems[l] as number, heapScores[m] as number, heapItems[m] as number)) m = l;
      if (r < size && worse(heapScores[r] as number, heapItems[r] as number, heapScores[m] as number, heapItems[m] as number)) m = r;
      if (m === at) return;
      const s = heapScores[at] as number;
      const it = heapItems[at] as number;
      heapScores[at] = heapScores[m] as number;
      heapItems[at] = heapItems[m] as number;
      heapScores[m] = s;
      heapItems[m] = it;
      at = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (blocked && blocked[i]) continue;
    let s = scores[offset + i] as number;
    if (Number.isNaN(s)) s = -Infinity;
    if (size < k) {
      // sift up
      let at = size++;
      heapScores[at] = s;
      heapItems[at] = i;
      while (at > 0) {
        const p = (at - 1) >> 1;
        if (!worse(heapScores[at] as number, heapItems[at] as number, heapScores[p] as number, heapItems[p] as number)) break;
        const ps = heapScores[p] as number;
        const pi = heapItems[p] as number;
        heapScores[p] = heapScores[at] as number;
        heapItems[p] = heapItems[at] as number;
        heapScores[at] = ps;
        heapItems[at] = pi;
        at = p;
      }
    } else if (worse(heapScores[0] as number, heapItems[0] as number, s, i)) {
      heapScores[0] = s;
      heapItems[0] = i;
      siftDown(0);
    }
  }
  // Pop worst-first into the back of the result.
  const out = new Int32Array(size);
  for (let pos = size - 1; pos >= 0; pos--) {
    out[pos] = heapItems[0] as number;
    size--;
    heapScores[0] = heapScores[size] as number;
    heapItems[0] = heapItems[size] as number;
    siftDown(0);
  }
  return out;
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
