import type { SearchIndex } from '../search/search-index';
import type { WeightedHistory } from './profile-weights';

/**
 * How a search event becomes evidence: through what the query matches in the catalog (the search
 * index's hits), never through its words' hashed dimensions, which collide with unrelated items.
 * A query that matches nothing adds nothing.
 */
export interface QueryEvidence {
  /** The query's lexical matches, best first, `lexical` relative to the best match: (0, 1]. */
  matches(query: string): readonly { row: number; lexical: number }[];
  /** Matches taken into the history, the lift of a full match and its unit (default QUERY_EVIDENCE). */
  settings?: QueryEvidenceSettings;
}

/**
 * Defaults, used without a model pack that carries its store's own (src/rank/ranking-settings.ts):
 * every match of the query gains a gate of `gate` standard deviations and `boost` × its lexical
 * share in `lift` units (both × the event's recency), so what the shopper just asked for leads the
 * list while the history orders it, and older searches fade; the query's `hits` best matches join
 * the history as if the shopper had looked at them, sharing the search event's weight (each by its
 * lexical share), so a search counts in the history like one viewed item of that weight, not ten.
 * Between what the `intent` protocol chose on office's and scientific's validation users (seed
 * 42: gate 32 on both, boost 2 and 1 in 'range' units, search weight 0 and 0.5; the best NDCG@10
 * with query_precision@12 ≥ 0.8).
 */
export const QUERY_EVIDENCE: QueryEvidenceSettings = { hits: 10, boost: 1.5, lift: 'range', gate: 32 };

/**
 * `lift`: the unit of `boost`. 'sd': standard deviations of the shopper's scores over the catalog;
 * 'range': the spread (max − min) of the shopper's scores over the query's matches, as search()
 * blends lexical and interest scores scaled over its hits (personalize.ts), so a full match gains
 * as much as the shopper's interest can tell matches apart, whatever the history.
 */
export interface QueryEvidenceSettings {
  hits: number;
  boost: number;
  lift: 'sd' | 'range';
  /**
   * Standard deviations every match gains whatever its lexical share (× the search's recency): a
   * gate that puts what the shopper asked for before what the history alone would show, as search()
   * lists its hits before anything else, while `boost` and the history order the matches.
   */
  gate: number;
}

/** A query's matches considered (lifted): as many as the `search` protocol re-ranks. */
export const QUERY_MATCHES = 1000;

/** A history with its queries turned into item evidence, and each matched row's lift and gate (null: no query matched). */
export function expandQueries(
  history: WeightedHistory,
  evidence: QueryEvidence,
  settings: { hits: number; boost: number; gate?: number } = evidence.settings ?? QUERY_EVIDENCE,
): { history: WeightedHistory; boost: Map<number, number> | null; gate: Map<number, number> | null } {
  if (history.queries.length === 0) return { history, boost: null, gate: null };
  const items = new Map(history.items);
  const boost = new Map<number, number>();
  const gate = new Map<number, number>();
  const gateSd = settings.gate ?? 0;
  for (const { query, weight, recency = 1 } of history.queries) {
    const matches = evidence.matches(query);
    const joining = matches.slice(0, settings.hits);
    const total = joining.reduce((sum, m) => sum + m.lexical, 0);
    if (weight > 0 && total > 0) for (const { row, lexical } of joining) items.set(row, (items.get(row) ?? 0) + (weight * lexical) / total);
    // The newest search lifts its matches fully; older ones less, as their recency has decayed.
    for (const { row, lexical } of matches) {
      boost.set(row, (boost.get(row) ?? 0) + settings.boost * lexical * recency);
      if (gateSd > 0) gate.set(row, Math.max(gate.get(row) ?? 0, gateSd * recency));
    }
  }
  return { history: { items, queries: [] }, boost: boost.size > 0 ? boost : null, gate: gate.size > 0 ? gate : null };
}

/**
 * Query evidence from the catalog's search index (built when first needed): a query's best
 * QUERY_MATCHES matches among the rows `allowed` lets through, cached per query.
 */
export function searchIndexEvidence(index: () => SearchIndex, allowed: (row: number) => boolean): QueryEvidence {
  const cache = new Map<string, { row: number; lexical: number }[]>();
  return {
    matches(query) {
      let matches = cache.get(query);
      if (!matches) {
        const hits = index().search(query, { k: QUERY_MATCHES, filter: allowed });
        const best = hits[0]?.score ?? 0;
        matches = best > 0 ? hits.map((h) => ({ row: h.row, lexical: h.score / best })) : [];
        if (cache.size >= 256) cache.clear();
        cache.set(query, matches);
      }
      return matches;
    },
  };
}
