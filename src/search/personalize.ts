import { describeValue, LocalrecError } from '../shared/errors';
import type { SearchHit } from './search-index';

/** A search result re-ranked for this shopper. */
export interface PersonalizedHit {
  row: number;
  /** (1 − weight)·lexical + weight·interest, plus 1 for a hit in personalize()'s `first`. */
  score: number;
  /** Lexical score over the best lexical score of the list: (0, 1]. */
  lexical: number;
  /** The shopper's interest in this row, min–max scaled over the list: [0, 1] (0 without interest). */
  interest: number;
}

/**
 * The shopper's interest scores for `rows`, aligned with them (higher = more interested), or
 * null when there is nothing to go on (no history). Any recommender's scores will do: the content
 * model's profile cosine, item-kNN, EASE, the VAE's logits; only their order within the list matters.
 */
export type InterestScores = (rows: number[]) => ArrayLike<number> | null;

/**
 * Blend weight for the engine, from the `search` protocol (eval/search-protocol.ts), which
 * picks the weight on validation users: 0.25–0.4 on office and scientific with item-kNN, EASE
 * and content-kNN interest (seeds 42–44); this is the median of those picks. Rerun the protocol
 * when the interest model changes (e.g. the VAE) and update it from the `weight` it reports.
 */
export const DEFAULT_PERSONALIZE_WEIGHT = 0.35;

/**
 * Re-ranks lexical search results with the shopper's interest: both scores are scaled to [0, 1]
 * over the list (lexical by its maximum, interest min–max), blended as
 * (1 − weight)·lexical + weight·interest, and sorted by the blend (ties keep lexical order).
 * Only the given results are re-ranked, so nothing that did not match the query comes in.
 * `weight` 0 returns the lexical order; it should be tuned on held-out searches, not hand-set.
 * Rows in `first` (the hits that hold the query: query-evidence.ts evidentMatches) gain 1 and so
 * come before the rest whatever the interest: a shopper's taste never lifts a one-word match of
 * "face shield" (an Arduino shield) above the face masks.
 *
 * @example
 * const hits = index.search(query, { k: 200 });
 * const top = personalize(hits, (rows) => rows.map((r) => profileScores[r]), DEFAULT_PERSONALIZE_WEIGHT).slice(0, 12);
 * @throws LocalrecError INVALID_ARGUMENT when `weight` is not in [0, 1] or `interest` returns the wrong number of scores.
 */
export function personalize(lexical: readonly Pick<SearchHit, 'row' | 'score'>[], interest: InterestScores, weight: number, first?: ReadonlySet<number>): PersonalizedHit[] {
  if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
    throw new LocalrecError('INVALID_ARGUMENT', 'weight must be a number from 0 to 1.', { weight: describeValue(weight) });
  }
  if (!Array.isArray(lexical)) throw new LocalrecError('INVALID_ARGUMENT', 'lexical must be an array of search hits.');
  const n = lexical.length;
  if (n === 0) return [];
  let maxLexical = 0;
  for (const hit of lexical) if (hit.score > maxLexical) maxLexical = hit.score;
  const rows = lexical.map((hit) => hit.row);
  const raw = weight > 0 ? interest(rows) : null;
  if (raw !== null && (raw === undefined || raw.length !== n)) {
    throw new LocalrecError('INVALID_ARGUMENT', `interest() must return ${n} scores (one per row) or null.`, {
      got: raw === undefined ? 'undefined' : raw.length,
    });
  }
  const scaled = new Float64Array(n);
  if (raw) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = raw[i] as number;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // A flat (or empty) interest carries no preference: every row gets 0.
    if (hi > lo) {
      for (let i = 0; i < n; i++) {
        const v = raw[i] as number;
        scaled[i] = Number.isFinite(v) ? (v - lo) / (hi - lo) : 0;
      }
    }
  }
  const out: (PersonalizedHit & { at: number })[] = lexical.map((hit, i) => {
    const lex = maxLexical > 0 ? hit.score / maxLexical : 0;
    const int = scaled[i] as number;
    // A hit that holds the query gains 1, more than any blend of the rest can reach.
    return { row: hit.row, score: (1 - weight) * lex + weight * int + (first?.has(hit.row) ? 1 : 0), lexical: lex, interest: int, at: i };
  });
  out.sort((a, b) => b.score - a.score || a.at - b.at);
  return out.map(({ row, score, lexical: lex, interest: int }) => ({ row, score, lexical: lex, interest: int }));
}
