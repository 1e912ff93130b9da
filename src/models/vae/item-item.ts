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

/** The EASE weights B [items × items] (zero diagonal) as a tensor. */
export async function fitItemItem(x: Csr, config: Partial<ItemItemConfig> = {}): Promise<tf.Tensor2D> {
  const { lambda, dropoutEmphasis, block } = { ...DEFAULT_ITEM_ITEM_CONFIG, ...config };
  const n = x.cols;
  const g = gramMatrix(x);
  for (let i = 0; i < n; i++) {
    const d = g[i * n + i]!;
    g[i * n + i] = d + lambda + dropoutEmphasis * d;
  }
  const gram = tf.tensor2d(g, [n, n]);
  const p = await invertSpd(gram, block);
  gram.dispose();
  const b = tf.tidy(() => {
    const diag = tf.sum(tf.mul(p, tf.eye(n)), 0); // diag(P) as a row
    const scaled = tf.div(p, tf.reshape(diag, [1, n])); // P_ij / P_jj
    return tf.mul(tf.neg(scaled), tf.sub(1, tf.eye(n))) as tf.Tensor2D;
  });
  p.dispose();
  return b;
}
