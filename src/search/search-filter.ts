import { LocalrecError } from '../shared/errors';
import type { Item, SearchOptions } from '../shared/types';
import { itemMatcher } from '../catalog/item-match';

/**
 * The rows `search()` may return: available items that pass the plain-data filter
 * (`{ brand, category, excludeIds }`; brand case-insensitive, category any level of the path).
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function searchFilter(items: readonly Item[], rowOf: (id: string) => number | undefined, filter: SearchOptions['filter'] = {}): (row: number) => boolean {
  if (typeof filter !== 'object' || filter === null) throw new LocalrecError('INVALID_ARGUMENT', 'filter must be { brand?, category?, excludeIds? }.');
  const excluded = new Set((filter.excludeIds ?? []).map(rowOf));
  const passes = itemMatcher({ ...(filter.brand !== undefined ? { brand: filter.brand } : {}), ...(filter.category !== undefined ? { category: filter.category } : {}) });
  return (row) => items[row]!.available !== false && !excluded.has(row) && passes(items[row]!);
}
