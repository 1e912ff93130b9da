import { columnCounts } from '../../src/util/csr';
import type { Csr, EvalModel, FitContext } from '../eval-model';

/** Most-popular: every shopper gets the items most training users interacted with. */
export class PopularModel implements EvalModel {
  readonly name = 'popular';
  private counts = new Float32Array(0);

  async fit(train: Csr, _context: FitContext): Promise<void> {
    this.counts = Float32Array.from(columnCounts(train));
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const n = this.counts.length;
    const out = new Float32Array(inputs.rows * n);
    for (let r = 0; r < inputs.rows; r++) out.set(this.counts, r * n);
    return out;
  }

  settings(): Record<string, unknown> {
    return { score: 'training interaction count' };
  }

  backend(): string {
    return 'js';
  }
}
