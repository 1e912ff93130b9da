import type { Item } from '../shared/types';

/**
 * The one item predicate of plain-data filters and rules (recommend()'s filter and boosts,
 * search()'s filter): brand (case-insensitive), category (any level of the path, or the end of a
 * flattened one), item ids, price range (an item without a price is outside any range).
 */
export function itemMatcher(where: { brand?: string; category?: string; itemIds?: readonly string[]; minPrice?: number; maxPrice?: number }): (item: Item) => boolean {
  const brand = where.brand?.toLowerCase();
  const ids = where.itemIds ? new Set(where.itemIds) : null;
  const { category, minPrice, maxPrice } = where;
  return (item) =>
    (brand === undefined || item.brand?.toLowerCase() === brand) &&
    (category === undefined || (item.category ?? []).some((c) => c === category || c.endsWith(` ${category}`))) &&
    (ids === null || ids.has(item.id)) &&
    (minPrice === undefined || (item.price !== undefined && item.price >= minPrice)) &&
    (maxPrice === undefined || (item.price !== undefined && item.price <= maxPrice));
}
