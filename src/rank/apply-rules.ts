import type { Item } from '../shared/types';
import { itemMatcher } from '../catalog/item-match';
import type { CheckedRules } from './check-rules';
import { boostVector, liftList, liftScores, placePins, rowsOutsideRules } from './merchant-rules';
import { shapeList } from './spread-variants';
import { topKOfScores } from './top-k';

/** A ranked list: rows best first, their scores, and which rows a pin placed. */
export interface RuledList {
  rows: number[];
  scores: number[];
  pinned: Set<number>;
}

/** What the rules need to know of the catalog. */
export interface RuleSources {
  items: readonly Item[];
  words: (row: number) => ReadonlySet<string> | null;
  leaf: (row: number) => string | undefined;
  /** How many places a near-duplicate variant waits when variants are spread (the pack's choice; default Infinity). */
  variantWait?: number;
  /** Rows the catalog marks unavailable (1), hidden when the filter asks for available items; null: none. */
  unavailable: Uint8Array | null;
}

/** The entries of a ranked list whose row passes `keep`. */
function keepRows(list: { rows: number[]; scores: number[] }, keep: (row: number) => boolean): { rows: number[]; scores: number[] } {
  const rows: number[] = [];
  const scores: number[] = [];
  list.rows.forEach((row, i) => {
    if (!keep(row)) return;
    rows.push(row);
    scores.push(list.scores[i]!);
  });
  return { rows, scores };
}

/** Candidates to take before shaping: k, or 4k when a per-category cap or the variant spread may pass some over. */
function candidates(k: number, rules: CheckedRules, size: number): number {
  return Math.min(size, rules.spread || rules.maxPerCategory !== undefined ? 4 * k : k);
}

/** The pins this call may show: rows that pass the filter and are not excluded. */
function eligiblePins(rules: CheckedRules, items: readonly Item[], excluded: ReadonlySet<number>): CheckedRules['pins'] {
  const passes = itemMatcher(rules.filter);
  return rules.pins.filter((p) => !excluded.has(p.row) && passes(items[p.row]!));
}

function arrange(top: { rows: number[]; scores: number[] }, k: number, rules: CheckedRules, sources: RuleSources, pins: { position: number; row: number; score: number }[]): RuledList {
  // Pins count towards the per-category cap and the variant spread of the rest.
  // The pack's wait, unless the call asked for the spread itself (the merchant's choice wins).
  const wait = rules.spreadAsked ? Infinity : sources.variantWait;
  const shaped = shapeList(top, k, { spread: rules.spread, ...(wait !== undefined ? { wait } : {}), maxPerCategory: rules.maxPerCategory }, sources, pins.map((p) => p.row));
  const placed = placePins(
    shaped.rows.map((row, i) => ({ row, score: shaped.scores[i]! })),
    pins.map((p) => ({ position: p.position, entry: { row: p.row, score: p.score } })),
    k,
  );
  return { rows: placed.map((e) => e.row), scores: placed.map((e) => e.score), pinned: new Set(pins.map((p) => p.row)) };
}

/**
 * recommend() and similar(): the rules applied to a score for every catalog row, before the top k
 * is taken (the rows outside the filter and the exclusions left out, boosts added to the scores),
 * then the list shaped (per-category cap, variants) and the pins placed. `scores` is the caller's
 * again afterwards, unchanged (the selection marks excluded rows in it while it runs). `hidden`
 * leaves out more rows, tested on the candidates only (a per-row test too costly for the catalog).
 */
export function rankWithRules(scores: Float32Array, k: number, rules: CheckedRules, excluded: readonly number[], sources: RuleSources, hidden?: (row: number) => boolean): RuledList {
  const lifted = liftScores(scores, boostVector(sources.items, rules.boost));
  const useMask = rules.filter.available === true;
  const out = [...excluded, ...rowsOutsideRules(sources.items, rules, useMask)];
  const pins = eligiblePins(rules, sources.items, new Set(out));
  const scoredPins = pins.map((p) => ({ ...p, score: lifted[p.row]! }));
  const size = sources.items.length;
  for (let n = candidates(k, rules, size); ; n = Math.min(size, 4 * n)) {
    const top = topKOfScores(lifted, n, [...out, ...rules.pins.map((p) => p.row)], useMask ? sources.unavailable : null);
    const shown = hidden ? keepRows(top, (row) => !hidden(row)) : top;
    const list = arrange(shown, k, rules, sources, scoredPins);
    // A per-category cap or the variant spread can keep fewer than k of the candidates when the
    // best ones share a category: take more, until k come back or the catalog runs out.
    if (list.rows.length >= k || top.rows.length < n || n >= size) return list;
  }
}

/**
 * search(): the rules applied to ranked hits (the filter already applied by the index, through
 * `allowedRow`): boosts re-rank the hits, then the list is shaped and the pins placed (a pinned
 * item that the query does not match is placed too, with score 0).
 */
export function arrangeHits(hits: readonly { row: number; score: number }[], k: number, rules: CheckedRules, sources: RuleSources): RuledList {
  const lifted = liftList(hits.map((h) => h.score), hits.map((h) => h.row), boostVector(sources.items, rules.boost));
  const scoreOf = new Map(hits.map((h, i) => [h.row, lifted[i]!]));
  const allowed = allowedRow(rules, sources.items);
  const pins = rules.pins.filter((p) => allowed(p.row)).map((p) => ({ ...p, score: scoreOf.get(p.row) ?? 0 }));
  const pinnedRows = new Set(rules.pins.map((p) => p.row));
  const ranked = hits.map((_, i) => i).filter((i) => !pinnedRows.has(hits[i]!.row)).sort((a, b) => lifted[b]! - lifted[a]! || a - b);
  return arrange({ rows: ranked.map((i) => hits[i]!.row), scores: ranked.map((i) => lifted[i]!) }, k, rules, sources, pins);
}

/** The rows a call may return under the rules (filter, availability, excluded ids): search()'s index filter. */
export function allowedRow(rules: CheckedRules, items: readonly Item[]): (row: number) => boolean {
  const passes = itemMatcher(rules.filter);
  const excluded = new Set(rules.excludedRows);
  return (row) => !excluded.has(row) && passes(items[row]!);
}
