import type { SearchIndex } from '../search/search-index';
import { EVENT_WEIGHTS, type WeightedHistory } from './profile-weights';

/**
 * How a search event becomes evidence: through what the query matches in the catalog (the search
 * index's hits), never through its words' hashed dimensions, which collide with unrelated items.
 * A query that matches nothing adds nothing.
 */
export interface QueryEvidence {
  /** The query's lexical matches, best first, `lexical` relative to the best match: (0, 1]. */
  matches(query: string): readonly { row: number; lexical: number }[];
  /** Matches taken into the history, and the lift of a full match (default QUERY_EVIDENCE). */
  settings?: { hits: number; boost: number };
}

/**
 * Defaults: the query's 10 best matches join the history as if the shopper had looked at them
 * (each weighted by the search event's weight × its lexical share), and every match of the query
 * gains `boost` standard deviations × its lexical share × the event's recency weight, so what the
 * shopper just asked for leads the list while the history orders it, and older searches fade.
 * 16: between what the `intent` protocol chose on office's and scientific's validation users (25
 * and 10, the best NDCG@10 with query_precision@12 ≥ 0.8); at 16 their top 12 match the query
 * 86% and 93% of the time.
 */
export const QUERY_EVIDENCE = { hits: 10, boost: 16 };

/** A history with its queries turned into item evidence, and each row's boost (null: no query matched). */
export function expandQueries(history: WeightedHistory, evidence: QueryEvidence, settings = evidence.settings ?? QUERY_EVIDENCE): { history: WeightedHistory; boost: Map<number, number> | null } {
  if (history.queries.length === 0) return { history, boost: null };
  const items = new Map(history.items);
  const boost = new Map<number, number>();
  for (const { query, weight } of history.queries) {
    const matches = evidence.matches(query);
    matches.slice(0, settings.hits).forEach(({ row, lexical }) => items.set(row, (items.get(row) ?? 0) + weight * lexical));
    // The newest search lifts its matches fully; older ones less, as their weight has decayed.
    const recency = Math.min(1, weight / EVENT_WEIGHTS.search);
    for (const { row, lexical } of matches) boost.set(row, (boost.get(row) ?? 0) + settings.boost * lexical * recency);
  }
  return { history: { items, queries: [] }, boost: boost.size > 0 ? boost : null };
}

/**
 * Query evidence from the catalog's search index (built when first needed): a query's best 200
 * matches among the rows `allowed` lets through, cached per query.
 */
export function searchIndexEvidence(index: () => SearchIndex, allowed: (row: number) => boolean): QueryEvidence {
  const cache = new Map<string, { row: number; lexical: number }[]>();
  return {
    matches(query) {
      let matches = cache.get(query);
      if (!matches) {
        const hits = index().search(query, { k: 200, filter: allowed });
        const best = hits[0]?.score ?? 0;
        matches = best > 0 ? hits.map((h) => ({ row: h.row, lexical: h.score / best })) : [];
        if (cache.size >= 256) cache.clear();
        cache.set(query, matches);
      }
      return matches;
    },
  };
}
