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
  scores: Float32Array,
  k: number,
  excludedRows: readonly number[],
  unavailable: Uint8Array | null,
): { rows: number[]; scores: number[] } {
  const size = scores.length;
  // The excluded rows are set aside as NaN for the pass and put back after it (no mask to allocate).
  const kept = excludedRows.filter((row) => row >= 0 && row < size);
  const saved = Float32Array.from(kept, (row) => scores[row]!);
  for (const row of kept) scores[row] = Number.NaN;
  const best = new BestK(Math.min(k, size));
  try {
    // Rows come in increasing order, so once k are kept a score at or below the lowest kept one
    // loses (equal scores go to the lower row): one comparison for almost every row.
    let floor = Number.NaN;
    for (let row = 0; row < size; row++) {
      const s = scores[row]!;
      if (s <= floor || s !== s || (unavailable !== null && unavailable[row] === 1)) continue;
      best.push(s, row);
      floor = best.floor;
    }
  } finally {
    kept.forEach((row, i) => (scores[row] = saved[i]!));
  }
  const top = best.take();
  return { rows: Array.from(top.ids), scores: Array.from(top.scores) };
}
