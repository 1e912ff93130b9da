import type { EventType, StoredEvent } from '../api/types';

/** How strongly each kind of event says "I want things like this". */
export const EVENT_WEIGHTS: Record<EventType, number> = { view: 1, cart: 3, purchase: 5, search: 1.5 };

/** An event's weight halves every this many newer events (recency by order, not wall-clock). */
export const DEFAULT_HALF_LIFE_EVENTS = 20;

export interface WeightedHistory {
  /** Catalog rows and their summed weights (one entry per distinct item). */
  items: Map<number, number>;
  /** Search queries and their weights, newest last. */
  queries: { query: string; weight: number }[];
}

/**
 * Weights of a history: event type × 0.5^(age / halfLife), where age counts newer events.
 * Events whose item left the catalog are skipped.
 */
export function weightHistory(
  events: readonly StoredEvent[],
  rowOf: (itemId: string) => number | undefined,
  halfLife = DEFAULT_HALF_LIFE_EVENTS,
): WeightedHistory {
  const items = new Map<number, number>();
  const queries: WeightedHistory['queries'] = [];
  const last = events.length - 1;
  events.forEach((event, i) => {
    const weight = EVENT_WEIGHTS[event.type] * 0.5 ** ((last - i) / halfLife);
    if (event.type === 'search') {
      if (event.query) queries.push({ query: event.query, weight });
      return;
    }
    const row = event.itemId === undefined ? undefined : rowOf(event.itemId);
    if (row !== undefined) items.set(row, (items.get(row) ?? 0) + weight);
  });
  return { items, queries };
}
