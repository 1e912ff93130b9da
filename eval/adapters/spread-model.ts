import { spreadVariants } from '../../src/rank/spread-variants';
import { topK } from '../../src/util/ranking-metrics';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { titleWordSets } from '../list-quality';

/**
 * `<model>+spread`: the inner model's ranking with near-duplicate variants spread out, as the
 * worker's recommend({ k: 12 }) does (src/rank/spread-variants.ts): the top `depth` (12) of each
 * list, taken from 4 × depth candidates (the user's own items left out), is re-ordered and placed
 * above the rest, which keeps the inner model's order.
 * Catalogs without titles: the inner model unchanged.
 */
export class SpreadVariantsModel implements EvalModel {
  readonly name: string;
  private words: ReturnType<typeof titleWordSets> = null;

  constructor(
    private readonly inner: EvalModel,
    private readonly depth = 12,
  ) {
    this.name = `${inner.name}+spread`;
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.words = titleWordSets(context.items);
    await this.inner.fit(train, context);
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
      const spread = spreadVariants(candidates, this.depth, (row) => words[row] ?? null);
      let top = -Infinity;
      for (let j = 0; j < n; j++) if (scores[offset + j]! > top) top = scores[offset + j]!;
      spread.forEach((row, place) => (scores[offset + row] = top + 1 + (spread.length - place)));
    }
    return scores;
  }

  settings(): Record<string, unknown> {
    return { ...this.inner.settings(), spreadVariants: { depth: this.depth, candidates: 4 * this.depth, rule: 'title word Jaccard ≥ 0.7 waits until every distinct item is placed' } };
  }

  backend(): string {
    return this.inner.backend();
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}
