import * as tf from '@tensorflow/tfjs-core';
import { describeValue, LocalrecError } from '../shared/errors';
import type { Item, MerchantRules } from '../shared/types';
import { itemMatcher } from '../catalog/item-match';

/** Bounds of a boost, in standard deviations of the shopper's scores. */
const MAX_BOOST = 5;


/**
 * recommend()'s merchant rules, checked: `filter` (only items that pass), `boost` (lift or lower
 * items, in standard deviations), `maxPerCategory` (at most N items per leaf category).
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function checkMerchantRules(rules: MerchantRules): MerchantRules {
  const bad = (what: string, value: unknown): never => {
    throw new LocalrecError('INVALID_ARGUMENT', what, { value: describeValue(value) });
  };
  const { filter, boost, maxPerCategory } = rules;
  if (filter !== undefined) {
    if (typeof filter !== 'object' || filter === null) bad('filter must be { brand?, category?, minPrice?, maxPrice? }.', filter);
    for (const key of ['minPrice', 'maxPrice'] as const) if (filter[key] !== undefined && !Number.isFinite(filter[key])) bad(`filter.${key} must be a number.`, filter[key]);
    for (const key of ['brand', 'category'] as const) if (filter[key] !== undefined && typeof filter[key] !== 'string') bad(`filter.${key} must be a string.`, filter[key]);
  }
  if (boost !== undefined) {
    if (!Array.isArray(boost) || boost.length > 50) bad('boost must be an array of at most 50 { brand?, category?, itemIds?, by } rules.', boost);
    for (const rule of boost) {
      if (typeof rule !== 'object' || rule === null || typeof rule.by !== 'number' || !Number.isFinite(rule.by) || Math.abs(rule.by) > MAX_BOOST) {
        bad(`each boost needs a number \`by\` from -${MAX_BOOST} to ${MAX_BOOST}.`, rule);
      }
      if (rule.itemIds !== undefined && (!Array.isArray(rule.itemIds) || rule.itemIds.some((id) => typeof id !== 'string'))) bad('boost.itemIds must be item ids.', rule.itemIds);
    }
  }
  if (maxPerCategory !== undefined && (!Number.isInteger(maxPerCategory) || maxPerCategory < 1)) bad('maxPerCategory must be a positive integer.', maxPerCategory);
  return rules;
}

/** Rows the filter leaves out (appended to `excluded`). */
export function filteredOut(items: readonly Item[], filter: MerchantRules['filter'], excluded: number[]): void {
  if (!filter) return;
  const passes = itemMatcher(filter);
  items.forEach((item, row) => {
    if (!passes(item)) excluded.push(row);
  });
}

/** Each row's lift from the boost rules, or null when there are none. */
export function boostVector(items: readonly Item[], boost: MerchantRules['boost']): Float32Array | null {
  if (!boost || boost.length === 0) return null;
  const out = new Float32Array(items.length);
  for (const rule of boost) {
    const passes = itemMatcher(rule);
    items.forEach((item, row) => {
      if (passes(item)) out[row]! += rule.by;
    });
  }
  return out;
}

/** The first `k` of `rows` with at most `max` per leaf category (items without one are not capped). */
export function capPerCategory(rows: readonly number[], k: number, leafOf: (row: number) => string | undefined, max: number): number[] {
  const count = new Map<string, number>();
  const out: number[] = [];
  for (const row of rows) {
    if (out.length >= k) break;
    const leaf = leafOf(row);
    if (leaf !== undefined) {
      const n = count.get(leaf) ?? 0;
      if (n >= max) continue;
      count.set(leaf, n + 1);
    }
    out.push(row);
  }
  return out;
}

/** `scores` + `lift` × the scores' standard deviation (so a boost means the same with or without a pack); takes ownership of `scores`. */
export function liftScores(scores: tf.Tensor1D, lift: Float32Array | null): tf.Tensor1D {
  if (!lift) return scores;
  const lifted = tf.tidy(() => {
    const { variance } = tf.moments(scores);
    return tf.add(scores, tf.mul(tf.tensor1d(lift), tf.sqrt(variance))) as tf.Tensor1D;
  });
  scores.dispose();
  return lifted;
}
