import { recencyWeight, HALF_LIFE_CANDIDATES } from '../../src/rank/recency';
import { csrRows } from '../../src/util/csr';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { evaluateUsers } from '../evaluate';
import { tieRanks } from '../metrics';

/** A copy of `inputs` whose row values decay with position: the last column of a row is the newest. */
export function withRecency(inputs: Csr, halfLife: number): Csr {
  const values = new Float32Array(inputs.values.length);
  for (let r = 0; r < inputs.rows; r++) {
    const start = inputs.indptr[r] as number;
    const end = inputs.indptr[r + 1] as number;
    for (let a = start; a < end; a++) values[a] = (inputs.values[a] as number) * recencyWeight(end - 1 - a, halfLife);
  }
  return { ...inputs, values };
}

/**
 * `<model>+recency`: the inner model, trained as usual, scoring histories whose items decay with
 * age (newest = 1). The half-life is chosen on the protocol's validation users by `tuneMetric`;
 * uniform weighting (Infinity) is one of the candidates, so the tuned model falls back to it when
 * recency does not help. Meaningful where a row's columns are in time order (`loo`, `cold-users`,
 * `sessions`); in `strong` the fold-in is a random 80%, kept in time order.
 */
export class RecencyModel implements EvalModel {
  readonly name: string;
  private halfLife = Infinity;
  private tuning: Record<string, number> = {};

  constructor(
    private readonly inner: EvalModel,
    private readonly tuneMetric: string,
    private readonly candidates: readonly number[] = HALF_LIFE_CANDIDATES,
  ) {
    this.name = `${inner.name}+recency`;
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    await this.inner.fit(train, context);
    const validation = context.validation;
    if (!validation) return;
    const inputs = csrRows(validation.inputs);
    const tieRank = tieRanks(train.cols, context.seed);
    let best = -Infinity;
    for (const halfLife of this.candidates) {
      const result = await evaluateUsers({
        score: (x) => this.inner.scoreBatch(withRecency(x, halfLife)),
        inputs,
        targets: validation.targets,
        cols: train.cols,
        metrics: [this.tuneMetric],
        tieRank,
        ...(context.maskInputs !== undefined ? { maskInputs: context.maskInputs } : {}),
      });
      const value = result[this.tuneMetric] as number;
      this.tuning[String(halfLife)] = Number(value.toFixed(4));
      context.onProgress?.({ stage: 'tune-recency', loaded: Object.keys(this.tuning).length, total: this.candidates.length, halfLife, value });
      // Strictly better only: ties keep the shorter list's earlier (sharper) candidate, and uniform
      // must win outright to be chosen over a decay that does as well.
      if (value > best) {
        best = value;
        this.halfLife = halfLife;
      }
    }
  }

  scoreBatch(inputs: Csr): Promise<Float32Array> {
    return this.inner.scoreBatch(withRecency(inputs, this.halfLife));
  }

  settings(): Record<string, unknown> {
    return {
      ...this.inner.settings(),
      halfLife: Number.isFinite(this.halfLife) ? this.halfLife : 'uniform',
      halfLifeTuning: { metric: this.tuneMetric, validation: this.tuning },
    };
  }

  backend(): string {
    return this.inner.backend();
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}
