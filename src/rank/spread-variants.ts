import { nearDuplicates } from '../features/title-words';
import { capPerCategory } from './merchant-rules';

/**
 * How many places a near-duplicate variant waits: Infinity (the library default) lets it wait
 * until every distinct row is placed; 0 keeps the model's order. A model pack carries the wait
 * chosen on its store's validation users (manifest `ranking.variants`, eval/adapters/spread-model.ts).
 */
export const DEFAULT_VARIANT_WAIT = Infinity;

/** Waits tried on validation users, weakest first (0: no rule). */
export const VARIANT_WAIT_CANDIDATES: readonly number[] = [0, 1, 2, 4, 8, Infinity];

/**
 * The first `k` of `ranked` (best first) with near-duplicate variants spread out: a row whose
 * title is a near-duplicate of one already placed (the same filament in another colour) waits
 * `wait` places (default: until every distinct row of `ranked` is placed). Rows that are variants
 * of none keep their order; the variants stay reachable (on the product page, and further down).
 * @param words a row's title word set (null: no title, never a duplicate)
 * @param seeded rows already on the list elsewhere (pinned items): their variants wait too
 */
export function spreadVariants(
  ranked: readonly number[],
  k: number,
  words: (row: number) => ReadonlySet<string> | null,
  wait = DEFAULT_VARIANT_WAIT,
  seeded: readonly number[] = [],
): number[] {
  if (!(wait > 0)) return ranked.slice(0, k);
  const placed: number[] = [];
  const placedWords: ReadonlySet<string>[] = seeded.flatMap((row) => words(row) ?? []);
  /** Deferred rows in order, each with the list length at which its wait is over. */
  const deferred: { row: number; due: number }[] = [];
  const place = (row: number, w: ReadonlySet<string> | null): void => {
    placed.push(row);
    if (w) placedWords.push(w);
  };
  for (const row of ranked) {
    while (deferred.length > 0 && deferred[0]!.due <= placed.length && placed.length < k) place(deferred.shift()!.row, null);
    if (placed.length >= k) break;
    const w = words(row);
    if (w && placedWords.some((p) => nearDuplicates(w, p))) {
      deferred.push({ row, due: placed.length + wait });
      continue;
    }
    place(row, w);
  }
  for (const { row } of deferred) {
    if (placed.length >= k) break;
    placed.push(row);
  }
  return placed;
}

/**
 * The first `k` of a ranked candidate list (more than k, best first) shaped for a storefront:
 * at most `maxPerCategory` per leaf category, then near-duplicate variants spread out (each
 * waiting `wait` places, default DEFAULT_VARIANT_WAIT). `seeded` rows (pinned items, placed
 * elsewhere) count towards both rules.
 */
export function shapeList(
  top: { rows: number[]; scores: number[] },
  k: number,
  rules: { spread: boolean; wait?: number; maxPerCategory?: number | undefined },
  sources: { words: (row: number) => ReadonlySet<string> | null; leaf: (row: number) => string | undefined },
  seeded: readonly number[] = [],
): { rows: number[]; scores: number[] } {
  const scoreOf = new Map(top.rows.map((row, i) => [row, top.scores[i]!]));
  let rows = rules.maxPerCategory !== undefined ? capPerCategory(top.rows, top.rows.length, sources.leaf, rules.maxPerCategory, seeded) : top.rows;
  rows = rules.spread ? spreadVariants(rows, k, sources.words, rules.wait, seeded) : rows.slice(0, k);
  return { rows, scores: rows.map((row) => scoreOf.get(row)!) };
}
