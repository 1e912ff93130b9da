import * as tf from '@tensorflow/tfjs-core';
import type { Csr } from './sparse';

/**
 * The item–item part of the model: an EASE-style linear autoencoder (Steck 2019), solved in
 * closed form, B = I − P·diag(1/diag(P)) with P = (XᵀX + Λ)⁻¹ and a zero diagonal. Λ is
 * λ·I plus, optionally, `dropoutEmphasis`·diag(XᵀX) (the closed form of EDLAE's dropout
 * denoising, Steck 2020), which penalises popular items' self-reconstruction more.
 */
export interface ItemItemConfig {
  lambda: number;
  dropoutEmphasis: number;
  /** Pivot block size of the blocked Gauss–Jordan inverse. */
  block: number;
}

export const DEFAULT_ITEM_ITEM_CONFIG: ItemItemConfig = { lambda: 200, dropoutEmphasis: 0, block: 256 };

/** XᵀX as a dense Float32Array [cols × cols] (binary rows are what the protocols give). */
export function gramMatrix(x: Csr): Float32Array {
  const n = x.cols;
  const g = new Float32Array(n * n);
  for (let r = 0; r < x.rows; r++) {
    const s = x.indptr[r]!;
    const e = x.indptr[r + 1]!;
    for (let a = s; a < e; a++) {
      const i = x.indices[a]!;
      const va = x.values[a]!;
      const base = i * n;
      for (let b = s; b < e; b++) g[base + x.indices[b]!]! += va * x.values[b]!;
    }
  }
  return g;
}

/** Inverse of a small dense SPD matrix (Float64 Gauss–Jordan, in place on a copy). */
function invertSmall(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  for (let k = 0; k < n; k++) {
    const p = m[k * n + k]!;
    if (!(Math.abs(p) > 0)) throw new Error('item-item solve: singular pivot');
    m[k * n + k] = 1;
    for (let j = 0; j < n; j++) m[k * n + j]! /= p;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i * n + k]!;
      if (f === 0) continue;
      m[i * n + k] = 0;
      for (let j = 0; j < n; j++) m[i * n + j]! -= f * m[k * n + j]!;
    }
  }
  return m;
}

/**
 * Inverse of a dense SPD matrix on the tfjs backend: blocked Gauss–Jordan without pivoting
 * (exact for SPD), the rank-`block` updates done as matmuls. Returns a new tensor.
 */
export async function invertSpd(a: tf.Tensor2D, block = 256): Promise<tf.Tensor2D> {
  const n = a.shape[0];
  let m = tf.clone(a);
  for (let k = 0; k < n; k += block) {
    const b = Math.min(block, n - k);
    const pivot = tf.slice(m, [k, k], [b, b]);
    const pivotData = await pivot.data();
    pivot.dispose();
    const inv = invertSmall(Float64Array.from(pivotData), b);
    const next = tf.tidy(() => {
      const p = tf.tensor2d(Float32Array.from(inv), [b, b]);
      const col = tf.slice(m, [0, k], [n, b]); // C = A[:, K]
      const row = tf.slice(m, [k, 0], [b, n]); // A[K, :]
      const r = tf.matMul(p, row); // R = P·A[K, :]
      let updated = tf.sub(m, tf.matMul(col, r)) as tf.Tensor2D; // A − C·R
      // Row block K := R, column block K := −C·P, pivot block := P.
      const newCol = tf.neg(tf.matMul(col, p)) as tf.Tensor2D;
      const parts: tf.Tensor2D[] = [];
      if (k > 0) parts.push(tf.slice(updated, [0, 0], [k, n]));
      parts.push(r as tf.Tensor2D);
      if (k + b < n) parts.push(tf.slice(updated, [k + b, 0], [n - k - b, n]));
      updated = tf.concat(parts, 0) as tf.Tensor2D;
      const colParts: tf.Tensor2D[] = [];
      if (k > 0) colParts.push(tf.slice(updated, [0, 0], [n, k]));
      const fixedCol = tf.concat(
        [
          ...(k > 0 ? [tf.slice(newCol, [0, 0], [k, b])] : []),
          p,
          ...(k + b < n ? [tf.slice(newCol, [k + b, 0], [n - k - b, b])] : []),
        ],
        0,
      );
      colParts.push(fixedCol as tf.Tensor2D);
      if (k + b < n) colParts.push(tf.slice(updated, [0, k + b], [n, n - k - b]));
      return tf.concat(colParts, 1) as tf.Tensor2D;
    });
    m.dispose();
    m = next;
  }
  return m;
}

/** EASE neighbours: the top k weights of each row of B. */
export async function easeNeighbours(x: Csr, lambda: number, k: number, gram?: Float32Array): Promise<ItemNeighbours> {
  const b = await fitItemItem(x, { lambda }, gram);
  try {
    return await topNeighbours(b, k, 'ease');
  } finally {
    b.dispose();
  }
}

/** The EASE weights B [items × items] (zero diagonal) as a tensor; `gram` = XᵀX if already computed. */
export async function fitItemItem(x: Csr, config: Partial<ItemItemConfig> = {}, gram?: Float32Array): Promise<tf.Tensor2D> {
  const { lambda, dropoutEmphasis, block } = { ...DEFAULT_ITEM_ITEM_CONFIG, ...config };
  const n = x.cols;
  const g = gram ? Float32Array.from(gram) : gramMatrix(x);
  for (let i = 0; i < n; i++) {
    const d = g[i * n + i]!;
    g[i * n + i] = d + lambda + dropoutEmphasis * d;
  }
  const gramTensor = tf.tensor2d(g, [n, n]);
  const p = await invertSpd(gramTensor, block);
  gramTensor.dispose();
  const b = tf.tidy(() => {
    const diag = tf.sum(tf.mul(p, tf.eye(n)), 0); // diag(P) as a row
    const scaled = tf.div(p, tf.reshape(diag, [1, n])); // P_ij / P_jj
    return tf.mul(tf.neg(scaled), tf.sub(1, tf.eye(n))) as tf.Tensor2D;
  });
  p.dispose();
  return b;
}

/**
 * A sparsified item–item matrix: for every source item i, its k strongest neighbours j and the
 * weights B[i][j] (largest first). Keeping the top 100 of EASE's weights loses nothing
 * measurable on the development sets and makes the pack O(items·k) instead of O(items²).
 */
export interface ItemNeighbours {
  /** Which part this is: `ease`, `knn` (co-purchase cosine) or `content` (catalog-text cosine). */
  kind: string;
  items: number;
  k: number;
  /** [items × k] neighbour item indices. */
  indices: Int32Array;
  /** [items × k] weights. */
  values: Float32Array;
}

/** The k largest weights of every row of B. */
export async function topNeighbours(b: tf.Tensor2D, k: number, kind: string): Promise<ItemNeighbours> {
  const items = b.shape[0];
  const kk = Math.min(k, items);
  const { values, indices } = tf.topk(b, kk, true);
  try {
    return {
      kind,
      items,
      k: kk,
      indices: Int32Array.from((await indices.data()) as Int32Array),
      values: Float32Array.from((await values.data()) as Float32Array),
    };
  } finally {
    values.dispose();
    indices.dispose();
  }
}

/**
 * Item–item scores x·B for rows ids[from..to) of `inputs` (raw history weights), written into
 * `out` [(to − from) × items] (zeroed first).
 */
export function neighbourScores(nb: ItemNeighbours, inputs: Csr, ids: ArrayLike<number>, from: number, to: number, out: Float32Array): void {
  const { items, k, indices, values } = nb;
  out.fill(0, 0, (to - from) * items);
  for (let r = from; r < to; r++) {
    const u = ids[r]!;
    const base = (r - from) * items;
    for (let e = inputs.indptr[u]!; e < inputs.indptr[u + 1]!; e++) {
      const i = inputs.indices[e]!;
      const w = inputs.values[e]!;
      const off = i * k;
      for (let t = 0; t < k; t++) out[base + indices[off + t]!]! += w * values[off + t]!;
    }
  }
}

/**
 * Item-kNN neighbours: cosine similarity of the items' buyer sets, cos(i, j) = |U_i ∩ U_j| /
 * sqrt(|U_i|·|U_j|), diagonal excluded, top k per item.
 */
export async function cosineNeighbours(x: Csr, k: number, gram?: Float32Array): Promise<ItemNeighbours> {
  const n = x.cols;
  const g = gram ?? gramMatrix(x);
  const inv = new Float32Array(n);
  for (let i = 0; i < n; i++) inv[i] = g[i * n + i]! > 0 ? 1 / Math.sqrt(g[i * n + i]!) : 0;
  const cos = tf.tidy(() => {
    const scale = tf.tensor1d(inv);
    const c = tf.mul(tf.mul(tf.tensor2d(g, [n, n]), tf.reshape(scale, [n, 1])), tf.reshape(scale, [1, n]));
    return tf.mul(c, tf.sub(1, tf.eye(n))) as tf.Tensor2D;
  });
  try {
    return await topNeighbours(cos, k, 'knn');
  } finally {
    cos.dispose();
  }
}
