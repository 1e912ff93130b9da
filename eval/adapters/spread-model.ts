import { DEFAULT_VARIANT_WAIT, spreadVariants, VARIANT_WAIT_CANDIDATES } from '../../src/rank/spread-variants';
import { csrFromRows, csrRows } from '../../src/util/csr';
import { metricValue, parseMetric, topK } from '../../src/util/ranking-metrics';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { hasNearDuplicate, LIST_DEPTH, titleWordSets } from '../list-quality';
import { tieRanks } from '../metrics';

/** How much validation NDCG the rule may cost, relative to the same model without it. */
export const SPREAD_NDCG_TOLERANCE = 0.01;

/**
 * The NDCG a spread rule must keep within SPREAD_NDCG_TOLERANCE, per protocol (issue #17's bounds):
 * `strong` NDCG@100; next-item protocols (`loo`, …) NDCG@10 and their tuning NDCG.
 */
export function spreadCriteria(protocol: string, tuneMetric: string): string[] {
  if (protocol === 'strong') return ['NDCG@100'];
  return [...new Set(['NDCG@10', tuneMetric])].filter((key) => key.startsWith('NDCG@'));
}

/** One wait's validation figures: each NDCG metric and `dup@12`. */
export type WaitFigures = Record<string, number>;

/**
 * The wait a store ships: the longest (the strongest spread) whose every NDCG metric on
 * validation users stays within SPREAD_NDCG_TOLERANCE of no rule (wait 0). Wait 0 always qualifies.
 */
export function chooseVariantWait(figures: ReadonlyMap<number, WaitFigures>, ndcgKeys: readonly string[]): number {
  const none = figures.get(0);
  if (!none) throw new Error('the figures need wait 0 (no rule)');
  let chosen = 0;
  for (const [wait, f] of figures) {
    const within = ndcgKeys.every((key) => f[key]! >= (1 - SPREAD_NDCG_TOLERANCE) * none[key]!);
    if (within && wait > chosen) chosen = wait;
  }
  return chosen;
}

/**
 * `<model>+spread`: the inner model's ranking with near-duplicate variants spread out, as the
 * worker's recommend({ k: 12 }) does (src/rank/spread-variants.ts): the top `depth` (12) of each
 * list, taken from 4 × depth candidates (the user's own items left out), is re-ordered and placed
 * above the rest, which keeps the inner model's order. How many places a variant waits is chosen
 * on the protocol's validation users (chooseVariantWait over VARIANT_WAIT_CANDIDATES, by the
 * protocol's own NDCG: spreadCriteria); without validation users, the library default.
 * Catalogs without titles: the inner model unchanged.
 */
export class SpreadVariantsModel implements EvalModel {
  readonly name: string;
  private words: ReturnType<typeof titleWordSets> = null;
  private wait = DEFAULT_VARIANT_WAIT;
  private tuning: Record<string, WaitFigures> | null = null;
  private ndcgKeys: string[] = [];

  constructor(
    private readonly inner: EvalModel,
    /** The NDCG metrics the rule may cost at most SPREAD_NDCG_TOLERANCE of (spreadCriteria). */
    private readonly criteria: readonly string[] = ['NDCG@10'],
    private readonly depth = LIST_DEPTH,
  ) {
    this.name = `${inner.name}+spread`;
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.words = titleWordSets(context.items);
    await this.inner.fit(train, context);
    if (this.words && context.validation) await this.tune(train.cols, context);
  }

  /** Validation figures of every candidate wait from one scoring pass (the spread only re-orders the top). */
  private async tune(n: number, context: FitContext): Promise<void> {
    const words = this.words!;
    const validation = context.validation!;
    this.ndcgKeys = [...this.criteria];
    const specs = this.ndcgKeys.map(parseMetric);
    const depth = Math.max(4 * this.depth, ...specs.map((s) => s.k));
    const tieRank = tieRanks(n, context.seed);
    const inputs = csrRows(validation.inputs);
    const sums = new Map(VARIANT_WAIT_CANDIDATES.map((wait) => [wait, { metrics: new Float64Array(specs.length), dup: 0 }]));
    const blocked = new Uint8Array(n);
    const batch = 256;
    for (let from = 0; from < inputs.length; from += batch) {
      const rows = inputs.slice(from, from + batch);
      const scores = await this.inner.scoreBatch(csrFromRows(rows, n));
      rows.forEach((input, b) => {
        const targets = new Set(validation.targets[from + b]);
        if (context.maskInputs !== false) for (const i of input) blocked[i] = 1;
        const ranked = Array.from(topK(scores, b * n, n, Math.min(n, depth), tieRank, blocked));
        for (const i of input) blocked[i] = 0;
        const candidates = ranked.slice(0, 4 * this.depth);
        for (const [wait, sum] of sums) {
          const top = spreadVariants(candidates, this.depth, (row) => words[row] ?? null, wait);
          const placed = new Set(top);
          const list = [...top, ...ranked.filter((row) => !placed.has(row))];
          specs.forEach((spec, m) => (sum.metrics[m]! += metricValue(spec, list, targets)));
          if (hasNearDuplicate(list, words)) sum.dup++;
        }
      });
    }
    const users = Math.max(1, inputs.length);
    const figures = new Map([...sums].map(([wait, sum]) => [wait, { ...Object.fromEntries(specs.map((s, m) => [s.key, round(sum.metrics[m]! / users)])), [`dup@${LIST_DEPTH}`]: round(sum.dup / users) }]));
    this.wait = chooseVariantWait(figures, this.ndcgKeys);
    this.tuning = Object.fromEntries([...figures].map(([wait, f]) => [waitName(wait), f]));
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const scores = await this.inner.scoreBatch(inputs);
    const words = this.words;
    if (!words) return scores;
    const n = inputs.cols;
    const blocked = new Uint8Array(n);
    for (let u = 0; u < inputs.rows; u++) {
      const offset = u * n;
      const history = inputs.indices.subarray(inputs.indptr[u]!, inputs.indptr[u + 1]!);
      for (const i of history) blocked[i] = 1;
      const candidates = Array.from(topK(scores, offset, n, Math.min(n, 4 * this.depth), null, blocked));
      for (const i of history) blocked[i] = 0;
      const spread = spreadVariants(candidates, this.depth, (row) => words[row] ?? null, this.wait);
      let top = -Infinity;
      for (let j = 0; j < n; j++) if (scores[offset + j]! > top) top = scores[offset + j]!;
      spread.forEach((row, place) => (scores[offset + row] = top + 1 + (spread.length - place)));
    }
    return scores;
  }

  settings(): Record<string, unknown> {
    return {
      ...this.inner.settings(),
      spreadVariants: {
        depth: this.depth,
        candidates: 4 * this.depth,
        rule: 'a title word Jaccard ≥ 0.7 variant of a placed item waits `wait` places',
        wait: waitName(this.wait),
        ...(this.tuning
          ? { tunedOn: `validation users: the longest wait with ${this.ndcgKeys.join(' and ')} within ${SPREAD_NDCG_TOLERANCE * 100}% of wait 0 (no rule)`, validation: this.tuning }
          : { tunedOn: 'none (library default)' }),
      },
    };
  }

  backend(): string {
    return this.inner.backend();
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}

/** A wait as JSON carries it: Infinity is 'all' (until every distinct item is placed). */
export function waitName(wait: number): number | 'all' {
  return Number.isFinite(wait) ? wait : 'all';
}

const round = (x: number): number => Number(x.toFixed(4));
