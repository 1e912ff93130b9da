/**
 * The merchant's rules, the same plain-data options on `recommend()`, `similar()` and `search()`.
 * They are applied in the worker before the top k is taken, so k results still come back.
 */

/** Which items a call may return. Every field is optional; given fields must all hold. */
export interface ItemFilter {
  /** Brand, case-insensitive. */
  brand?: string;
  /** A category at any level of the item's path (or the end of a flattened path). */
  category?: string;
  /** Price range, inclusive. An item without a price is outside any range. */
  minPrice?: number;
  maxPrice?: number;
  /**
   * `true` (default): only items not marked unavailable (`available: false` in the catalog;
   * unknown counts as available); `false`: only unavailable ones (a "back soon" shelf); `'any'`: both.
   */
  available?: boolean | 'any';
  /** Item ids never to return (e.g. what is in the cart right now). Ids not in the catalog are ignored. */
  excludeIds?: string[];
}

/**
 * Lifts (or, with a negative `by`, lowers) the items it names: a brand, a category and/or item
 * ids (an item must match every field given). `by` is in standard deviations of this call's scores,
 * −5 to 5, so a boost means the same with or without a model pack: `by: 1` moves an item about as
 * far as one standard deviation of the shopper's interest; `by: 5` puts it near the top.
 * Several rules that match one item add up.
 */
export interface Boost {
  brand?: string;
  category?: string;
  itemIds?: string[];
  by: number;
}

/**
 * An item placed at `position` (0 = first) whatever the model says. A pinned item must still be
 * one this call may return (it passes the filter, is available, is not excluded); otherwise it
 * is left out and its place goes to the next item of the ranking. A position past the end of the
 * list puts the item last. An id not in the catalog is `UNKNOWN_ITEM`.
 */
export interface Pin {
  itemId: string;
  position: number;
}

/** The merchant's rules of one call. */
export interface MerchantRules {
  /** Only items that pass. */
  filter?: ItemFilter;
  /** Promotions, house brands, stock to clear; at most 50 rules. */
  boost?: Boost[];
  /** At most this many items per leaf category, so one shelf does not fill the list. */
  maxPerCategory?: number;
  /**
   * `'spread'`: near-duplicate variants of one product (titles sharing ≥ 70% of their words:
   * another colour, size or pack) wait until every distinct item is placed, so a list is not a
   * wall of variants; `'keep'`: the ranking as it is. Default `'spread'` in `recommend()`,
   * `'keep'` in `similar()` and `search()` (a search for one product should show its variants).
   */
  variants?: 'spread' | 'keep';
  /** Items placed at fixed positions (at most 50). */
  pin?: Pin[];
}
