import { csrDiagonal, sparseGram } from '../../src/util/csr';
import type { Csr, EvalModel, FitContext } from '../eval-model';

/**
 * Item-kNN with the full cosine item–item similarity of the binary training matrix
 * (S_ij = |U_i ∩ U_j| / sqrt(|U_i|·|U_j|), no neighbour pruning) and score = input · S.
 * S is held sparse (only pairs some shopper bought together are nonzero), which is the same model
 * as the dense n² matrix and scales to 100k-item catalogs.
 */
export class ItemKnnModel implements EvalModel {
  readonly name = 'itemknn';
  private sim: Csr | null = null;

  async fit(train: Csr, _context: FitContext): Promise<void> {
    const g = sparseGram(train);
    const norm = csrDiagonal(g).map(Math.sqrt);
    for (let i = 0; i < g.rows; i++) {
      for (let a = g.indptr[i]!; a < g.indptr[i + 1]!; a++) {
        const j = g.indices[a]!;
        g.values[a] = i === j || norm[i] === 0 || norm[j] === 0 ? 0 : g.values[a]! / (norm[i]! * norm[j]!);
      }
    }
    this.sim = g;
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const s = this.sim!;
    const n = s.cols;
    const out = new Float32Array(inputs.rows * n);
    for (let r = 0; r < inputs.rows; r++) {
      const o = r * n;
      for (let a = inputs.indptr[r]!; a < inputs.indptr[r + 1]!; a++) {
        const i = inputs.indices[a]!;
        const v = inputs.values[a]!;
        for (let b = s.indptr[i]!; b < s.indptr[i + 1]!; b++) out[o + s.indices[b]!]! += v * s.values[b]!;
      }
    }
    return out;
  }

  settings(): Record<string, unknown> {
    return { similarity: 'cosine', neighbours: 'all', self_similarity: 0 };
  }

  backend(): string {
    return 'js';
  }

  dispose(): void {
    this.sim = null;
  }
}
