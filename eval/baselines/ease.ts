import { sparseGram } from '../../src/util/csr';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { evaluateUsers } from '../evaluate';
import { tieRanks } from '../metrics';
import { easeHeadItems, easeWeights } from '../../tools/recipe/item-item-fit';
import { denseBlock } from '../../src/util/csr';
import { initEvalBackend } from '../../tools/io/node-backend';

export interface EaseOptions {
  /** λ values tried on the validation users, ascending. */
  lambdas?: number[];
  /** Validation metric that picks λ, e.g. `NDCG@100`. */
  tuneMetric?: string;
  /** λ used when a protocol has no validation users (cold-items). */
  defaultLambda?: number;
}

export const DEFAULT_LAMBDAS = [20, 50, 100, 200, 500, 1000, 2000];

export { easeWeights };

/**
 * EASE (Steck 2019): B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹, diag(B) = 0; score = x·B.
 * Full EASE up to 12.5k items; above, EASE over the 8,192 most-bought items (tools/recipe/
 * item-item-fit.ts; the settings say so), since the dense inverse of a 100k catalog does not fit.
 * One inverse per λ (tfjs WASM matMuls, see spd-inverse.ts); λ is picked on the validation
 * users by a hill climb over the grid (validation quality is unimodal in λ in practice), so a
 * typical fit costs 3–4 inverses instead of one per grid value.
 */
export class EaseModel implements EvalModel {
  readonly name = 'ease';
  private readonly lambdas: number[];
  private readonly tuneMetric: string;
  private readonly defaultLambda: number;
  private b: Float32Array = new Float32Array(0);
  private n = 0;
  /** Catalog columns B covers (all of them up to 12.5k items). */
  private head: Int32Array = new Int32Array(0);
  /** Each catalog column's row in B, or −1. */
  private position = new Int32Array(0);
  private lambda = 0;
  private tried: Record<string, number> = {};
  private backendName = 'wasm';

  constructor(options: EaseOptions = {}) {
    this.lambdas = [...(options.lambdas ?? DEFAULT_LAMBDAS)].sort((x, y) => x - y);
    this.tuneMetric = options.tuneMetric ?? 'NDCG@100';
    this.defaultLambda = options.defaultLambda ?? 500;
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.backendName = await initEvalBackend();
    this.n = train.cols;
    const gram = sparseGram(train);
    this.head = easeHeadItems(gram);
    this.position = new Int32Array(train.cols).fill(-1);
    this.head.forEach((col, p) => (this.position[col] = p));
    const n = this.head.length;
    const g = denseBlock(gram, this.head); // integer counts: exact in float32
    this.tried = {};
    const validation = context.validation;
    if (!validation || validation.inputs.rows === 0) {
      this.lambda = this.defaultLambda;
      this.b = easeWeights(g, n, this.lambda);
      return;
    }
    const inputs: number[][] = [];
    for (let r = 0; r < validation.inputs.rows; r++) {
      inputs.push(Array.from(validation.inputs.indices.subarray(validation.inputs.indptr[r], validation.inputs.indptr[r + 1])));
    }
    const tieRank = tieRanks(this.n, context.seed);
    const weights = new Map<number, Float32Array>();
    const quality = new Map<number, number>();
    const tryAt = async (at: number): Promise<number> => {
      const lambda = this.lambdas[at] as number;
      const known = quality.get(at);
      if (known !== undefined) return known;
      const b = easeWeights(g, n, lambda);
      const result = await evaluateUsers({
        score: async (x) => this.headTimes(x, b),
        inputs,
        targets: validation.targets,
        cols: this.n,
        metrics: [this.tuneMetric],
        tieRank,
        maskInputs: context.maskInputs,
      });
      const value = result[this.tuneMetric] as number;
      quality.set(at, value);
      weights.set(at, b);
      this.tried[String(lambda)] = Number(value.toFixed(5));
      context.onProgress?.({ stage: 'ease-lambda', loaded: quality.size, total: this.lambdas.length, lambda, [this.tuneMetric]: value });
      return value;
    };
    // Hill climb over the sorted grid from its middle: move to the better neighbour until neither
    // neighbour improves. Each step is one full inverse, the expensive part.
    let at = Math.min(this.lambdas.length - 1, Math.floor((this.lambdas.length - 1) / 2));
    let value = await tryAt(at);
    for (;;) {
      let next = at;
      let nextValue = value;
      for (const nb of [at - 1, at + 1]) {
        if (nb < 0 || nb >= this.lambdas.length) continue;
        const v = await tryAt(nb);
        if (v > nextValue) [next, nextValue] = [nb, v];
      }
      // Free the weights we will not return to (n² floats each).
      for (const key of weights.keys()) if (key !== next) weights.delete(key);
      if (next === at) break;
      [at, value] = [next, nextValue];
    }
    this.lambda = this.lambdas[at] as number;
    this.b = weights.get(at) ?? easeWeights(g, n, this.lambda);
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    return this.headTimes(inputs, this.b);
  }

  /** x·B for sparse histories, B over the head; tail columns score 0. */
  private headTimes(x: Csr, b: Float32Array): Float32Array {
    const n = this.n;
    const h = this.head.length;
    const out = new Float32Array(x.rows * n);
    for (let r = 0; r < x.rows; r++) {
      const o = r * n;
      for (let a = x.indptr[r]!; a < x.indptr[r + 1]!; a++) {
        const p = this.position[x.indices[a]!]!;
        if (p < 0) continue;
        const v = x.values[a]!;
        const bo = p * h;
        for (let q = 0; q < h; q++) out[o + this.head[q]!]! += v * b[bo + q]!;
      }
    }
    return out;
  }

  settings(): Record<string, unknown> {
    const tuned = Object.keys(this.tried).length > 0;
    return {
      lambda: this.lambda,
      lambda_grid: this.lambdas,
      ...(tuned ? { tuned_on: `validation ${this.tuneMetric}`, validation: this.tried } : { tuned_on: 'none (no validation users in this protocol)' }),
      inverse: 'float32 block Schur recursion (tfjs matMul)',
      items_covered: this.head.length === this.n ? 'all' : `the ${this.head.length} most bought of ${this.n} (tail scores 0)`,
    };
  }

  backend(): string {
    return this.backendName;
  }

  dispose(): void {
    this.b = new Float32Array(0);
  }
}
