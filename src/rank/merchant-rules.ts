import type { Boost, Item } from '../shared/types';
import { itemMatcher } from '../catalog/item-match';
import { sumAndSquares } from '../util/sums';
import type { CheckedRules } from './check-rules';

/** Whether the filter would only hide unavailable items (what the serving state's mask already does). */
export function onlyAvailability(filter: CheckedRules['filter']): boolean {
  return Object.keys(filter).length === 1 && filter.available === true;
}

/**
 * Rows a call may not return under the rules: rows that fail the filter and the excluded ids.
 * Unavailable rows are listed too unless `maskCovers` (the serving state's mask already hides them).
 */
export function rowsOutsideRules(items: readonly Item[], rules: CheckedRules, maskCovers: boolean): number[] {
  const out = [...rules.excludedRows];
  if (maskCovers && onlyAvailability(rules.filter)) return out;
  const passes = itemMatcher(rules.filter);
  items.forEach((item, row) => {
    if (!passes(item)) out.push(row);
  });
  return out;
}

/** Each row's lift from the boost rules (standard deviations), or null when there are none. */
export function boostVector(items: readonly Item[], boost: readonly Boost[]): Float32Array | null {
  if (boost.length === 0) return null;
  const out = new Float32Array(items.length);
  for (const rule of boost) {
    const passes = itemMatcher(rule);
    items.forEach((item, row) => {
      if (passes(item)) out[row]! += rule.by;
    });
  }
  return out;
}

/** `scores` + `lift` × the scores' standard deviation (so a boost means the same with or without a pack): a new array, or `scores` itself without lifts. */
export function liftScores(scores: Float32Array, lift: Float32Array | null): Float32Array {
  if (!lift) return scores;
  const { sum, squares } = sumAndSquares(scores);
  const n = Math.max(1, scores.length);
  const sd = Math.sqrt(Math.max(squares / n - (sum / n) ** 2, 0));
  return scores.map((s, row) => s + lift[row]! * sd);
}

/** The same lift for a list already on the CPU (search results): standard deviations of those scores. */
export function liftList(scores: readonly number[], rows: readonly number[], lift: Float32Array | null): number[] {
  if (!lift || scores.length === 0) return [...scores];
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return scores.map((s, i) => s + lift[rows[i]!]! * sd);
}

/** The first `k` of `rows` with at most `max` per leaf category (items without one are not capped); `seeded` rows count but are not returned. */
export function capPerCategory(rows: readonly number[], k: number, leafOf: (row: number) => string | undefined, max: number, seeded: readonly number[] = []): number[] {
  const count = new Map<string, number>();
  for (const leaf of seeded.map(leafOf)) if (leaf !== undefined) count.set(leaf, (count.get(leaf) ?? 0) + 1);
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

/**
 * `list` with each pin placed at its position (0 = first; a position past the end of a short list
 * puts it last), cut to `k`. Pins come in position order; `list` must not hold them already.
 */
export function placePins<T>(list: readonly T[], pins: readonly { position: number; entry: T }[], k: number): T[] {
  const out = [...list];
  for (const { position, entry } of pins) out.splice(Math.min(position, out.length), 0, entry);
  return out.slice(0, k);
}
