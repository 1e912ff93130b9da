import type { Csr, EvalModel, FitContext } from '../eval-model';
import { rngFor } from '../../src/util/random';

/** Uniform random scores (seeded): the floor any model must clear, e.g. on cold items. */
export class RandomModel implements EvalModel {
  readonly name = 'random';
  private rng: () => number = Math.random;
  private n = 0;

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.rng = rngFor(context.seed, 'random-model');
    this.n = train.cols;
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const out = new Float32Array(inputs.rows * this.n);
    for (let k = 0; k < out.length; k++) out[k] = this.rng();
    return out;
  }

  settings(): Record<string, unknown> {
    return { score: 'uniform random (seeded)' };
  }

  backend(): string {
    return 'js';
  }
}
