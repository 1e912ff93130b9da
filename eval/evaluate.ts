import { csrFromRows } from '../src/util/csr';
import type { Csr } from './eval-model';
import { metricValue, parseMetric, topK } from '../src/util/ranking-metrics';
import { LIST_DEPTH, ListQuality } from './list-quality';

/** One way of ranking the same scores: which items are candidates, and the prefix of its keys. */
export interface CandidateView {
  /** Prepended to each metric key, e.g. `cold_`. */
  prefix: string;
  /** 1 = never a candidate for anyone (e.g. the warm items in cold-items' `cold_` view). */
  excluded?: Uint8Array;
}

export interface EvaluateOptions {
  /** Scores of every column for each input row (row-major). */
  score: (inputs: Csr) => Promise<Float32Array>;
  inputs: number[][];
  targets: number[][];
  cols: number;
  /** Metric keys such as `Recall@20`, `NDCG@100`, `HR@10`. */
  metrics: string[];
  tieRank: Int32Array;
  views?: CandidateView[];
  /** Users scored per call: bounds memory at batchSize × cols floats. */
  batchSize?: number;
  /**
   * Whether a user's own input items are masked (never ranked). Default true, as in every
   * protocol but `sessions`, where clicking an item again is a legitimate next click.
   */
  maskInputs?: boolean;
  /** Columns' title word sets: also report `dup@12` and `coverage@12` of the first view (list-quality.ts). */
  titleWords?: readonly (ReadonlySet<string> | null)[] | null;
}

/**
 * Mean of each metric over the users, for each candidate view. A user's own input items are
 * masked (never ranked), as the protocols require, unless `maskInputs` is false.
 */
export async function evaluateUsers(opts: EvaluateOptions): Promise<Record<string, number>> {
  const specs = opts.metrics.map(parseMetric);
  const quality = opts.titleWords ? new ListQuality(opts.titleWords) : null;
  const depth = Math.max(...specs.map((s) => s.k), quality ? LIST_DEPTH : 0);
  const views = opts.views ?? [{ prefix: '' }];
  const batchSize = opts.batchSize ?? 256;
  const maskInputs = opts.maskInputs ?? true;
  const n = opts.cols;
  const sums = views.map(() => new Float64Array(specs.length));
  const blocked = new Uint8Array(n);
  const users = opts.inputs.length;
  for (let start = 0; start < users; start += batchSize) {
    const end = Math.min(users, start + batchSize);
    const scores = await opts.score(csrFromRows(opts.inputs.slice(start, end), n));
    if (scores.length !== (end - start) * n) throw new Error(`scoreBatch returned ${scores.length} scores, expected ${(end - start) * n}`);
    for (let u = start; u < end; u++) {
      const input = opts.inputs[u] as number[];
      const targets = new Set(opts.targets[u]);
      views.forEach((view, v) => {
        if (view.excluded) blocked.set(view.excluded);
        else blocked.fill(0);
        if (maskInputs) for (const i of input) blocked[i] = 1;
        const ranked = topK(scores, (u - start) * n, n, depth, opts.tieRank, blocked);
        const sum = sums[v] as Float64Array;
        specs.forEach((spec, m) => (sum[m]! += metricValue(spec, ranked, targets)));
        if (v === 0) quality?.add(ranked);
      });
    }
  }
  const out: Record<string, number> = {};
  views.forEach((view, v) => specs.forEach((spec, m) => (out[view.prefix + spec.key] = users ? (sums[v] as Float64Array)[m]! / users : 0)));
  if (quality) Object.assign(out, quality.metrics());
  return out;
}
