import * as tf from '@tensorflow/tfjs-core';
import { gramMatrix, type Csr } from '../../src/util/csr';
import type { ItemNeighbours } from '../../src/models/item-item/item-item';
import { spdInverse } from '../../src/util/spd-inverse';

/**
 * The item–item part of the model: an EASE-style linear autoencoder (Steck 2019), solved in
 * closed form, B = I − P·diag(1/diag(P)) with P = (XᵀX + Λ)⁻¹ and a zero diagonal. Λ is
 * λ·I plus, optionally, `dropoutEmphasis`·diag(XᵀX) (the closed form of EDLAE's dropout
 * denoising, Steck 2020), which penalises popular items' self-reconstruction more.
 */
export interface ItemItemConfig {
  lambda: number;
  dropoutEmphasis: number;
}

export const DEFAULT_ITEM_ITEM_CONFIG: ItemItemConfig = { lambda: 200, dropoutEmphasis: 0 };

/** EASE neighbours: the top k weights of each row of B. */
export async function easeNeighbours(x: Csr, lambda: number, k: number, gram?: ArrayLike<number>): Promise<ItemNeighbours> {
  const b = await fitItemItem(x, { lambda }, gram);
  try {
    return await topNeighbours(b, k, 'ease');
  } finally {
    b.dispose();
  }
}

/** The EASE weights B [items × items] (zero diagonal) as a tensor; `gram` = XᵀX if already computed. */
export async function fitItemItem(x: Csr, config: Partial<ItemItemConfig> = {}, gram?: ArrayLike<number>): Promise<tf.Tensor2D> {
  const { lambda, dropoutEmphasis } = { ...DEFAULT_ITEM_ITEM_CONFIG, ...config };
  const n = x.cols;
  const g = Float32Array.from(gram ?? gramMatrix(x));
  for (let i = 0; i < n; i++) {
    const d = g[i * n + i]!;
    g[i * n + i] = d + lambda + dropoutEmphasis * d;
  }
  const p = tf.tensor2d(spdInverse(g, n), [n, n]);
  const b = tf.tidy(() => {
    const diag = tf.sum(tf.mul(p, tf.eye(n)), 0); // diag(P) as a row
    const scaled = tf.div(p, tf.reshape(diag, [1, n])); // P_ij / P_jj
    return tf.mul(tf.neg(scaled), tf.sub(1, tf.eye(n))) as tf.Tensor2D;
  });
  p.dispose();
  return b;
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
 * Item-kNN neighbours: cosine similarity of the items' buyer sets, cos(i, j) = |U_i ∩ U_j| /
 * sqrt(|U_i|·|U_j|), diagonal excluded, top k per item.
 */
export async function cosineNeighbours(x: Csr, k: number, gram?: ArrayLike<number>): Promise<ItemNeighbours> {
  const n = x.cols;
  const g = Float32Array.from(gram ?? gramMatrix(x));
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
