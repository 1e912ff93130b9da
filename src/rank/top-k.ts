import type { Item } from '../shared/types';
import { BestK } from '../util/best-k';

/**
 * The rows a call may never return because the catalog marks them unavailable (`available:
 * false`): 1 there, 0 elsewhere; null when every row is available.
 */
export function unavailableRows(items: readonly Item[]): Uint8Array | null {
  if (items.every((item) => item.available !== false)) return null;
  return Uint8Array.from(items, (item) => (item.available === false ? 1 : 0));
}

/**
 * The k best rows of `scores` (best first; equal scores: the lower row first), leaving out
 * `excludedRows`, rows marked in `unavailable` and NaN scores. The worker's scores are in
 * JavaScript memory when ranked (the blend is read back to be combined), so they are selected
 * here in one pass: a topk kernel needed them uploaded first, and at 10k items that upload and
 * kernel took 0.1 ms of a 1 ms recommend() (WASM, Node); at 100k, 0.5 ms.
 */
export function topKOfScores(
  scores: ArrayLike<number>,
  k: number,
  excludedRows: readonly number[],
  unavailable: Uint8Array | null,
): { rows: number[]; scores: number[] } {
  const size = scores.length;
  const blocked = new Uint8Array(size);
  if (unavailable) blocked.set(unavailable.subarray(0, size));
  for (const row of excludedRows) if (row >= 0 && row < size) blocked[row] = 1;
  const best = new BestK(Math.min(k, size));
  for (let row = 0; row < size; row++) {
    const s = scores[row]!;
    if (blocked[row] || Number.isNaN(s) || !best.wouldKeep(s, row)) continue;
    best.push(s, row);
  }
  const top = best.take();
  return { rows: Array.from(top.ids), scores: Array.from(top.scores) };
}
