import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../src/shared/types';
import { ContentModel } from '../../src/models/content/content-model';
import { SparseTfIdf } from '../../src/features/sparse-tfidf';
import { itemFeatures } from '../../src/features/item-features';
import { type ItemNeighbours } from '../../src/models/item-item/item-item';

/** Up to this many items the neighbours come from the hashed vectors' dense products (as served). */
const DENSE_CONTENT_MAX = 20_000;
/** Rows per dense product block: bounds the backend's memory at ROWS × items floats. */
const ROWS = 512;

/**
 * Content neighbours: the cosine similarity of the items' catalog text and attributes, diagonal
 * excluded, top k per item. They carry what co-purchases cannot for items few shoppers bought.
 * Up to 20k items: the project's hashed TF-IDF vectors (src/models/content/content-model.ts),
 * in blocks of rows. Above: exact sparse TF-IDF through its inverted index, skipping features
 * that 2% of the catalog shares (an all-pairs product at 100k items is 10¹⁰ cosines).
 * Returns null when no item has usable text.
 */
export async function contentNeighbours(items: readonly Item[], k: number): Promise<ItemNeighbours | null> {
  const n = items.length;
  if (n === 0) return null;
  const kk = Math.min(k, Math.max(1, n - 1));
  const indices = new Int32Array(n * kk);
  const values = new Float32Array(n * kk);
  let any = false;
  if (n > DENSE_CONTENT_MAX) {
    const exact = new SparseTfIdf(items.map(itemFeatures));
    const cap = Math.max(1000, Math.floor(n * 0.02));
    for (let i = 0; i < n; i++) {
      const { ids, scores } = exact.nearestRows(i, kk, cap);
      indices.set(ids, i * kk);
      values.set(scores, i * kk);
      any ||= ids.length > 0;
    }
    return any ? { kind: 'content', items: n, k: kk, indices, values } : null;
  }
  const content = new ContentModel(items);
  try {
    for (let from = 0; from < n; from += ROWS) {
      const rows = Math.min(ROWS, n - from);
      const { values: v, indices: ix } = tf.tidy(() => {
        const block = tf.slice(content.itemMatrixT, [0, from], [-1, rows]);
        const s = tf.matMul(tf.transpose(block), content.itemMatrixT);
        // Zero each row's own column (the diagonal of this block).
        const self = tf.oneHot(tf.range(from, from + rows, 1, 'int32'), n);
        return tf.topk(tf.mul(s, tf.sub(1, self)), kk, true);
      });
      const vd = (await v.data()) as Float32Array;
      const id = (await ix.data()) as Int32Array;
      tf.dispose([v, ix]);
      values.set(vd, from * kk);
      indices.set(id, from * kk);
      for (let t = 0; t < vd.length && !any; t++) any = vd[t]! > 0;
    }
  } finally {
    content.dispose();
  }
  return any ? { kind: 'content', items: n, k: kk, indices, values } : null;
}
