import { fineTuneVae, DEFAULT_FINE_TUNE, type FineTuneOptions } from '../../src/models/vae/fine-tune';
import type { VaeWeights } from '../../src/models/vae/vae-network';
import { VaeEvalModel } from './vae-eval-model';
import { VaeNetwork } from '../../src/models/vae/vae-network';
import { CollaborativeBlend } from '../../src/models/collaborative-blend';
import { csrRows } from '../../src/util/csr';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { evaluateUsers } from '../evaluate';
import { tieRanks } from '../metrics';

/** Fine-tuning settings tried on the validation users; steps 0 = the trained model as it is. */
const CANDIDATES: Partial<FineTuneOptions>[] = [
  { steps: 0 },
  { steps: 10, part: 'encoder', learningRate: 1e-3 },
  { steps: 10, part: 'all', learningRate: 1e-4 },
];

/**
 * `vae+finetune`: the `vae` model, then for every held-out shopper the VAE is fine-tuned on that
 * shopper's own fold-in history alone (src/models/vae/fine-tune.ts), as the worker does on the
 * device, before scoring them. The setting (including no fine-tuning) is chosen on validation users.
 */
export class FineTuneEvalModel implements EvalModel {
  readonly name = 'vae+finetune';
  private readonly inner: VaeEvalModel;
  private base: VaeWeights | null = null;
  private chosen: Partial<FineTuneOptions> = { steps: 0 };
  private tuning: Record<string, number> = {};

  constructor(private readonly options: { tuneMetric: string }) {
    this.inner = new VaeEvalModel({ tuneMetric: options.tuneMetric });
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    await this.inner.fit(train, context);
    this.base = await this.inner.scorer!.network.weights();
    if (!context.validation) return;
    const inputs = csrRows(context.validation.inputs);
    const tieRank = tieRanks(train.cols, context.seed);
    let best = -Infinity;
    for (const candidate of CANDIDATES) {
      const result = await evaluateUsers({
        score: (x) => this.scoreWith(x, candidate),
        inputs,
        targets: context.validation.targets,
        cols: train.cols,
        metrics: [this.options.tuneMetric],
        tieRank,
      });
      const value = result[this.options.tuneMetric]!;
      this.tuning[JSON.stringify(candidate)] = Number(value.toFixed(4));
      if (value > best) {
        best = value;
        this.chosen = candidate;
      }
    }
  }

  scoreBatch(inputs: Csr): Promise<Float32Array> {
    return this.scoreWith(inputs, this.chosen);
  }

  private async scoreWith(inputs: Csr, options: Partial<FineTuneOptions>): Promise<Float32Array> {
    const scorer = this.inner.scorer;
    if (!scorer || !this.base) throw new Error('vae+finetune: scoreBatch before fit');
    if ((options.steps ?? DEFAULT_FINE_TUNE.steps) === 0) return scorer.scoreRows(inputs);
    const cols = inputs.cols;
    const out = new Float32Array(inputs.rows * cols);
    for (let r = 0; r < inputs.rows; r++) {
      const from = inputs.indptr[r]!;
      const to = inputs.indptr[r + 1]!;
      const row: Csr = { rows: 1, cols, indptr: Int32Array.from([0, to - from]), indices: inputs.indices.slice(from, to), values: inputs.values.slice(from, to) };
      if (to === from) {
        out.set(await scorer.scoreRows(row), r * cols);
        continue;
      }
      const tuned = await fineTuneVae(this.base, scorer.network.arch, { indices: Array.from(row.indices), weights: Array.from(row.values) }, options);
      const personal = new CollaborativeBlend(new VaeNetwork(scorer.network.arch, tuned.weights, false), scorer.parts, scorer.weights);
      try {
        out.set(await personal.scoreRows(row), r * cols);
      } finally {
        personal.network.dispose();
      }
    }
    return out;
  }

  settings(): Record<string, unknown> {
    return { ...this.inner.settings(), fineTune: { ...DEFAULT_FINE_TUNE, ...this.chosen }, fineTuneTuning: { metric: this.options.tuneMetric, validation: this.tuning } };
  }

  backend(): string {
    return this.inner.backend();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
