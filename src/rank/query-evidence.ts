import type { SearchHit, SearchIndex } from '../search/search-index';
import type { WeightedHistory } from './profile-weights';

/**
 * How a search event becomes evidence: through what the query matches in the catalog (the search
 * index's hits), never through its words' hashed dimensions, which collide with unrelated items.
 * Only a match of most of the query's words counts, or of some of them on a shelf the query names
 * that holds such a match (evidentMatches): after a search for "face shield", an Arduino motor shield matches one
 * word of two on another shelf and is no evidence of the need. A query that matches nothing that
 * way adds nothing.
 */
export interface QueryEvidence {
  /** The query's matches that are evidence of it (evidentMatches), best first, `lexical` relative to the best match: (0, 1]. */
  matches(query: string): readonly QueryMatch[];
  /**
   * Whether `row` is among the query's hits at all (evident or not: what its results list holds),
   * when known. A search's gate holds while every item the shopper touched since is one of them
   * (expandQueries); without this, it holds whatever came after.
   */
  reached?(query: string, row: number): boolean;
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
 * Between what the `intent` protocol chose on office's and scientific's validation users (the
 * best NDCG@10 with query_precision@12 ≥ 0.8; seed 42: gate 32 on both, boost 2 and 1 in 'range'
 * units; search weight 0 on both at seeds 42–44, profile-weights.ts).
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

/** One lexical match of a query (QueryEvidence.matches). */
export interface QueryMatch {
  row: number;
  lexical: number;
  /** Its place among all the query's hits (0: the best), evident or not. */
  rank: number;
}

/**
 * A match holds the query when it holds more than this share of the query's words: every word of
 * a one- or two-word query, two of three, three of four (SearchHit.coverage).
 */
export const WHOLE_MATCH_COVERAGE = 0.5;

/**
 * The search hits that are evidence of what the shopper asked for: those that hold the query
 * (WHOLE_MATCH_COVERAGE), and those that hold some of its words on a shelf (the exact category
 * path) that holds such a match, when a query word names the shelf (SearchHit.namesShelf: latex
 * exam gloves, under "Exam Gloves", for "nitrile gloves") or the shelf is a bare label that
 * cannot name anything (SearchHit.bareShelf: office's "category 8"; there the shelf is all a store
 * says of its items).
 * A match of one word of "face shield" or
 * "safety glasses" elsewhere (an Arduino shield, a dial indicator's "white face", a magnifier's
 * glasses, anti-slip safety tape) is what the shopper did not ask for; lifted, it filled
 * "Recommended for you" once the whole matches ran out. Nor is a "digital" pH meter evidence of
 * "digital multimeter" because one pH meter's title says "multimeter": its shelf, "pH Meters",
 * names nothing the shopper asked for, and it was listed above the store's one real multimeter.
 * With no hit that holds the query, nothing is evidence. `lexical` is relative to the best hit.
 */
export function evidentMatches(hits: readonly SearchHit[], shelfOf: (row: number) => number): QueryMatch[] {
  const best = hits[0]?.score ?? 0;
  if (!(best > 0)) return [];
  const shelves = new Set<number>();
  for (const h of hits) if (h.coverage > WHOLE_MATCH_COVERAGE && shelfOf(h.row) >= 0) shelves.add(shelfOf(h.row));
  const evident: QueryMatch[] = [];
  hits.forEach((h, rank) => {
    if (h.coverage > WHOLE_MATCH_COVERAGE || ((h.bareShelf || h.namesShelf) && shelves.has(shelfOf(h.row)))) evident.push({ row: h.row, lexical: h.score / best, rank });
  });
  return evident;
}

/** The rows of `hits` that are evidence of their query (evidentMatches), for search() to list first. */
export function evidentRows(hits: readonly SearchHit[], index: Pick<SearchIndex, 'shelfOf'>): Set<number> {
  return new Set(evidentMatches(hits, (row) => index.shelfOf(row)).map((m) => m.row));
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
  for (const { query, weight, recency = 1, after } of history.queries) {
    const matches = evidence.matches(query);
    // The search comes first while the shopper is still on it: a view, cart or purchase since of
    // an item its results do not hold (three microscopes after "digital multimeter") ends its
    // gate, so the list follows them; its lift keeps fading with recency.
    let current = true;
    if (after && evidence.reached) for (let i = 0; i < after.count && current; i++) current = evidence.reached(query, after.rows[i]!);
    const joining = matches.slice(0, settings.hits);
    const total = joining.reduce((sum, m) => sum + m.lexical, 0);
    if (weight > 0 && total > 0) for (const { row, lexical } of joining) items.set(row, (items.get(row) ?? 0) + (weight * lexical) / total);
    // The newest search lifts its matches fully; older ones less, as their recency has decayed.
    for (const { row, lexical } of matches) {
      boost.set(row, (boost.get(row) ?? 0) + settings.boost * lexical * recency);
      if (gateSd > 0 && current) gate.set(row, Math.max(gate.get(row) ?? 0, gateSd * recency));
    }
  }
  return { history: { items, queries: [] }, boost: boost.size > 0 ? boost : null, gate: gate.size > 0 ? gate : null };
}

/**
 * Query evidence from the catalog's search index (built when first needed): the evident matches
 * (evidentMatches) among a query's best QUERY_MATCHES hits in the rows `allowed` lets through,
 * cached per query.
 */
export function searchIndexEvidence(index: () => SearchIndex, allowed: (row: number) => boolean): QueryEvidence {
  const cache = new Map<string, { matches: QueryMatch[]; hits: Set<number> }>();
  const of = (query: string) => {
    let entry = cache.get(query);
    if (!entry) {
      const searched = index();
      const hits = searched.search(query, { k: QUERY_MATCHES, filter: allowed });
      entry = { matches: evidentMatches(hits, (row) => searched.shelfOf(row)), hits: new Set(hits.map((h) => h.row)) };
      if (cache.size >= 256) cache.clear();
      cache.set(query, entry);
    }
    return entry;
  };
  return {
    matches: (query) => of(query).matches,
    reached: (query, row) => of(query).hits.has(row),
  };
}
