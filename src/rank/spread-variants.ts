import { nearDuplicates } from '../features/title-words';
import { capPerCategory } from './merchant-rules';

/**
 * The first `k` of `ranked` (best first) with near-duplicate variants spread out: a row whose
 * title is a near-duplicate of one already placed (the same filament in another colour) waits
 * until every distinct row of `ranked` is placed. Rows that are variants of none keep their order;
 * the variants stay reachable (on the product page, and further down when few rows are distinct).
 * @param words a row's title word set (null: no title, never a duplicate)
 * @param seeded rows already on the list elsewhere (pinned items): their variants wait too
 */
export function spreadVariants(ranked: readonly number[], k: number, words: (row: number) => ReadonlySet<string> | null, seeded: readonly number[] = []): number[] {
  const placed: number[] = [];
  const placedWords: ReadonlySet<string>[] = seeded.flatMap((row) => words(row) ?? []);
  const deferred: number[] = [];
  for (const row of ranked) {
    if (placed.length >= k) break;
    const w = words(row);
    if (w && placedWords.some((p) => nearDuplicates(w, p))) {
      deferred.push(row);
      continue;
    }
    placed.push(row);
    if (w) placedWords.push(w);
  }
  for (const row of deferred) {
    if (placed.length >= k) break;
    placed.push(row);
  }
  return placed;
}


/**
 * The first `k` of a ranked candidate list (more than k, best first) shaped for a storefront:
 * at most `maxPerCategory` per leaf category, then near-duplicate variants spread out. `seeded`
 * rows (pinned items, placed elsewhere) count towards both rules.
 */
export function shapeList(
  top: { rows: number[]; scores: number[] },
  k: number,
  rules: { spread: boolean; maxPerCategory?: number | undefined },
  sources: { words: (row: number) => ReadonlySet<string> | null; leaf: (row: number) => string | undefined },
  seeded: readonly number[] = [],
): { rows: number[]; scores: number[] } {
  const scoreOf = new Map(top.rows.map((row, i) => [row, top.scores[i]!]));
  let rows = rules.maxPerCategory !== undefined ? capPerCategory(top.rows, top.rows.length, sources.leaf, rules.maxPerCategory, seeded) : top.rows;
  rows = rules.spread ? spreadVariants(rows, k, sources.words, seeded) : rows.slice(0, k);
  return { rows, scores: rows.map((row) => scoreOf.get(row)!) };
}
