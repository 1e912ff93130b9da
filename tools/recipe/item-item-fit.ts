import { csrDiagonal, denseBlock, type Csr } from '../../src/util/csr';
import type { ItemNeighbours } from '../../src/models/item-item/item-item';
import { spdInverseWithRidge } from '../../src/util/spd-inverse';
import { BestK } from '../../src/util/best-k';

/**
 * The item–item parts of the model, fitted from the sparse Gram matrix XᵀX (src/util/csr.ts
 * `sparseGram`), so that they scale to 100k-item catalogs:
 * - EASE (Steck 2019) in closed form, B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹, zero
 *   diagonal. The inverse is dense (n² floats, ~n³ flops): up to `maxDense` items it covers the
 *   whole catalog; above, it covers the `headSize` most-bought items and the tail gets no EASE
 *   weights (item-kNN and content neighbours, which are sparse, still cover it).
 * - item-kNN: cosine of the items' buyer sets.
 */

/** Catalogs up to this size get the full EASE inverse (12.5k: ~0.6 GB per matrix, ~2 min here). */
export const MAX_DENSE_ITEMS = 12_500;
/** Above MAX_DENSE_ITEMS: EASE over this many most-bought items. */
export const EASE_HEAD_ITEMS = 8_192;

export interface EaseHead {
  /** Catalog columns of the head, in B's order. */
  head: Int32Array;
  /** B over the head, row-major head.length², zero diagonal. */
  b: Float32Array;
  /** Whether the head is the whole catalog. */
  full: boolean;
}

/** The head EASE covers: every item up to `maxDense`, else the `headSize` most bought (ties: lower index). */
export function easeHeadItems(gram: Csr, maxDense = MAX_DENSE_ITEMS, headSize = EASE_HEAD_ITEMS): Int32Array {
  const n = gram.rows;
  if (n <= maxDense) return Int32Array.from({ length: n }, (_, i) => i);
  const counts = csrDiagonal(gram);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  return order.slice(0, Math.min(headSize, n)).sort();
}

/** B for one λ from a dense Gram block G (h × h): B_ij = −P_ij / P_jj off the diagonal, 0 on it. */
export function easeWeights(g: Float32Array, h: number, lambda: number): Float32Array {
  const p = spdInverseWithRidge(g, h, lambda);
  const diag = new Float64Array(h);
  for (let j = 0; j < h; j++) diag[j] = p[j * h + j]!;
  for (let i = 0; i < h; i++) {
    const o = i * h;
    for (let j = 0; j < h; j++) p[o + j] = i === j ? 0 : -p[o + j]! / diag[j]!;
  }
  return p;
}

/** EASE over the head (see the file comment) for one λ. */
export function fitEaseHead(gram: Csr, lambda: number, head = easeHeadItems(gram)): EaseHead {
  const g = denseBlock(gram, head);
  return { head, b: easeWeights(g, head.length, lambda), full: head.length === gram.rows };
}

/** The k largest positive-or-not weights of each head row, as catalog-wide neighbours (tail rows empty). */
export function easeNeighbours(gram: Csr, lambda: number, k: number, head = easeHeadItems(gram)): ItemNeighbours {
  const { b } = fitEaseHead(gram, lambda, head);
  const n = gram.rows;
  const h = head.length;
  const kk = Math.min(k, Math.max(1, h - 1));
  const indices = new Int32Array(n * kk);
  const values = new Float32Array(n * kk);
  for (let p = 0; p < h; p++) {
    const best = new BestK(kk);
    const o = p * h;
    for (let q = 0; q < h; q++) if (q !== p) best.push(b[o + q]!, q);
    const { ids, scores } = best.take();
    const at = head[p]! * kk;
    for (let t = 0; t < ids.length; t++) {
      indices[at + t] = head[ids[t]!]!;
      values[at + t] = scores[t]!;
    }
  }
  return { kind: 'ease', items: n, k: kk, indices, values };
}

/**
 * Item-kNN neighbours: cosine similarity of the items' buyer sets, cos(i, j) = |U_i ∩ U_j| /
 * sqrt(|U_i|·|U_j|), diagonal excluded, top k per item; pairs nobody bought together are 0.
 */
export function cosineNeighbours(gram: Csr, k: number): ItemNeighbours {
  const n = gram.rows;
  const kk = Math.min(k, Math.max(1, n - 1));
  const norm = csrDiagonal(gram).map(Math.sqrt);
  const indices = new Int32Array(n * kk);
  const values = new Float32Array(n * kk);
  for (let i = 0; i < n; i++) {
    const best = new BestK(kk);
    for (let a = gram.indptr[i]!; a < gram.indptr[i + 1]!; a++) {
      const j = gram.indices[a]!;
      if (j !== i && norm[i]! > 0 && norm[j]! > 0) best.push(gram.values[a]! / (norm[i]! * norm[j]!), j);
    }
    const { ids, scores } = best.take();
    indices.set(ids, i * kk);
    values.set(scores, i * kk);
  }
  return { kind: 'knn', items: n, k: kk, indices, values };
}
