import type { Item } from '../shared/types';

/** What one plain-data rule may ask of an item (a filter, a boost). Absent fields ask nothing. */
export interface ItemCondition {
  brand?: string;
  category?: string;
  itemIds?: readonly string[];
  minPrice?: number;
  maxPrice?: number;
  /** `true`: not marked unavailable (unknown = available); `false`: marked unavailable; `'any'`: either. */
  available?: boolean | 'any';
}

/**
 * The one item predicate of plain-data filters and rules (the filters and boosts of recommend(),
 * similar() and search()): brand (case-insensitive), category (any level of the path, or the end
 * of a flattened one), item ids, price range (an item without a price is outside any range),
 * availability.
 */
export function itemMatcher(where: ItemCondition): (item: Item) => boolean {
  const brand = where.brand?.toLowerCase();
  const ids = where.itemIds ? new Set(where.itemIds) : null;
  const { category, minPrice, maxPrice, available } = where;
  return (item) =>
    (brand === undefined || item.brand?.toLowerCase() === brand) &&
    (category === undefined || (item.category ?? []).some((c) => c === category || c.endsWith(` ${category}`))) &&
    (ids === null || ids.has(item.id)) &&
    (minPrice === undefined || (item.price !== undefined && item.price >= minPrice)) &&
    (maxPrice === undefined || (item.price !== undefined && item.price <= maxPrice)) &&
    (available === undefined || available === 'any' || (item.available !== false) === available);
}
