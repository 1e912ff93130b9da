/** Ranking metrics shared by the trainer's early stopping and the tests. */
import { BestK } from '../../rank/best-k';

/** Indices of the k largest scores, best first (ties: lower index first). `exclude` and NaN are skipped. */
export function topK(scores: ArrayLike<number>, k: number, exclude?: ReadonlySet<number>): number[] {
  const best = new BestK(k);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!exclude?.has(i) && !Number.isNaN(s)) best.push(s, i);
  }
  return Array.from(best.take().ids);
}

/** NDCG@k of a ranking against a set of targets (binary relevance, ideal over min(k, |targets|)). */
export function ndcgAt(ranked: readonly number[], targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (targets.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, targets.size); i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

/** Recall@k = hits in the top k / min(k, |targets|). */
export function recallAt(ranked: readonly number[], targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (targets.has(ranked[i]!)) hits++;
  return hits / Math.min(k, targets.size);
}

/** HR@k: 1 when any target is in the top k. */
export function hitAt(ranked: readonly number[], targets: ReadonlySet<number>, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (targets.has(ranked[i]!)) return 1;
  return 0;
}

/** A metric by report name (`NDCG@100`, `Recall@20`, `HR@10`): its cut-off and per-user function. */
export function parseMetric(name: string): { k: number; fn: (ranked: readonly number[], targets: ReadonlySet<number>, k: number) => number } {
  const match = /^(NDCG|Recall|HR)@(\d+)$/.exec(name);
  if (!match) throw new Error(`unknown validation metric "${name}" (use NDCG@k, Recall@k or HR@k)`);
  const k = Number(match[2]);
  const fn = match[1] === 'NDCG' ? ndcgAt : match[1] === 'Recall' ? recallAt : hitAt;
  return { k, fn };
}
