import type { EventType, StoredEvent } from '../shared/types';
import { recencyWeight } from './recency';

/**
 * How strongly each kind of event says "I want things like this", when the model pack does not
 * carry its own (manifest `ranking.eventWeights`, src/rank/ranking-settings.ts). The search weight
 * (how much a search's best matches join the history, as if looked at) is tuned per store on the
 * `intent` protocol's validation users: since a search counts only through the matches that hold
 * it (query-evidence.ts), both office and scientific chose 0 at seeds 42, 43 and 44 (scientific
 * chose 0.5 before), so a search steers through its matches' gate and lift alone. View, cart and
 * purchase are hand-set and stay so, since no store data the project has carries more than one
 * item event type to tune them on.
 */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = { view: 1, cart: 3, purchase: 5, search: 0 };

/**
 * An event's weight halves every this many newer distinct items (recency by order, not wall-clock),
 * when the model pack does not carry its own tuned half-life (manifest `ranking.halfLife`).
 * Tuned, not hand-set: `npm run eval -- --protocol loo --models vae+recency` picks it on the
 * validation users; this is the value it picked on scientific (the demo catalog), seed 42.
 */
export const DEFAULT_HALF_LIFE = 3;

export interface WeightedHistory {
  /** Catalog rows and their summed weights (one entry per distinct item). */
  items: Map<number, number>;
  /**
   * Search queries, newest last: `weight` = the search event's weight × `recency`, the recency
   * decay alone (absent: 1), which scales how far the query's matches are lifted; `after` = the
   * catalog rows of the item events newer than the search (absent: none known), by which the
   * query's gate ends once the shopper turns to something else (expandQueries).
   */
  queries: { query: string; weight: number; recency?: number; after?: RowsAfter }[];
}

/**
 * The distinct catalog rows touched after a search, newest first: the first `count` of `rows`, an
 * array all of a history's searches share (one copy per search would cost searches × items on
 * every recommend() of a long history).
 */
export interface RowsAfter {
  rows: readonly number[];
  count: number;
}

/** A query as one search: repeats that differ only in case or surrounding spaces are the same. */
export function normalisedQuery(query: string): string {
  return query.trim().toLowerCase();
}

/** The rows of `after` as an array (for tests and reports; expandQueries reads them in place). */
export function rowsAfter(after: RowsAfter): number[] {
  return after.rows.slice(0, after.count);
}

/**
 * Weights of a history: event type × 0.5^(age / halfLife), where age counts the distinct other
 * items of newer events — the unit the evaluation tunes the half-life in (a history row there
 * lists distinct items in time order) — and the distinct newer searches, so a new search moves
 * the profile on from the ones before. Events whose item left the catalog are skipped.
 */
export function weightHistory(
  events: readonly StoredEvent[],
  rowOf: (itemId: string) => number | undefined,
  halfLife = DEFAULT_HALF_LIFE,
  weights: Readonly<Record<EventType, number>> = EVENT_WEIGHTS,
): WeightedHistory {
  const items = new Map<number, number>();
  const queries: WeightedHistory['queries'] = [];
  const newer = new Set<string>();
  /** Catalog rows of the item events seen so far (newest first): the rows after each older search. */
  const newerRows: number[] = [];
  const newerSearches = new Set<string>();
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    const id = event.itemId;
    const query = event.type === 'search' && event.query !== undefined ? normalisedQuery(event.query) : undefined;
    const age = (id !== undefined && newer.has(id) ? newer.size - 1 : newer.size) + (query !== undefined && newerSearches.has(query) ? newerSearches.size - 1 : newerSearches.size);
    const recency = recencyWeight(age, halfLife);
    const weight = weights[event.type] * recency;
    if (event.type === 'search') {
      if (event.query) queries.push({ query: event.query, weight, recency, after: { rows: newerRows, count: newerRows.length } });
      if (query) newerSearches.add(query);
      continue;
    }
    if (id === undefined) continue;
    const row = rowOf(id);
    if (row !== undefined && !newer.has(id)) newerRows.push(row);
    newer.add(id);
    if (row !== undefined) items.set(row, (items.get(row) ?? 0) + weight);
  }
  queries.reverse(); // collected newest first
  return { items, queries };
}
