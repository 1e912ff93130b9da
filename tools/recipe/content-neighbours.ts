import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../src/shared/types';
import { ContentModel } from '../../src/models/content/content-model';
import { topNeighbours } from './item-item-fit';
import { type ItemNeighbours } from '../../src/models/item-item/item-item';

/**
 * Content neighbours: the cosine similarity of the items' catalog text and attributes (the
 * project's hashed TF-IDF vectors, src/models/content/content-model.ts), diagonal excluded, top k per
 * item. They carry what co-purchases cannot for items few shoppers bought. Returns null when no
 * item has usable text.
 */
export async function contentNeighbours(items: readonly Item[], k: number): Promise<ItemNeighbours | null> {
  if (items.length === 0) return null;
  const content = new ContentModel(items);
  try {
    const n = items.length;
    const cos = tf.tidy(() => {
      const s = tf.matMul(content.itemMatrixT, content.itemMatrixT, true, false);
      return tf.mul(s, tf.sub(1, tf.eye(n))) as tf.Tensor2D;
    });
    try {
      const max = tf.max(cos);
      const any = (await max.data())[0]! > 0;
      max.dispose();
      return any ? await topNeighbours(cos, k, 'content') : null;
    } finally {
      cos.dispose();
    }
  } finally {
    content.dispose();
  }
}
