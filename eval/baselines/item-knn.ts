import { gramMatrix } from '../../src/util/csr';
import { sparseTimesDense } from '../sparse-products';
import type { Csr, EvalModel, FitContext } from '../eval-model';

/**
 * Item-kNN with the full cosine item–item similarity of the binary training matrix
 * (S_ij = |U_i ∩ U_j| / sqrt(|U_i|·|U_j|), no neighbour pruning) and score = input · S.
 * Dense S is n² floats (77 MB at 4,385 items); the sparse Gram build and the sparse-row scoring
 * take well under a second in plain JS, so tfjs is not needed here.
 */
export class ItemKnnModel implements EvalModel {
  readonly name = 'itemknn';
  private sim: Float32Array = new Float32Array(0);
  private n = 0;

  async fit(train: Csr, _context: FitContext): Promise<void> {
    const n = train.cols;
    const g = gramMatrix(train);
    const norm = new Float64Array(n);
    for (let i = 0; i < n; i++) norm[i] = Math.sqrt(g[i * n + i] as number);
    const sim = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      const ni = norm[i] as number;
      if (ni === 0) continue;
      for (let j = 0; j < n; j++) {
        const nj = norm[j] as number;
        if (i !== j && nj > 0) sim[i * n + j] = (g[i * n + j] as number) / (ni * nj);
      }
    }
    this.sim = sim;
    this.n = n;
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    return sparseTimesDense(inputs, this.sim, this.n);
  }

  settings(): Record<string, unknown> {
    return { similarity: 'cosine', neighbours: 'all', self_similarity: 0 };
  }

  backend(): string {
    return 'js';
  }

  dispose(): void {
    this.sim = new Float32Array(0);
  }
}
