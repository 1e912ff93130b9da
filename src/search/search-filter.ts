import { LocalrecError } from '../shared/errors';
import type { Item, SearchOptions } from '../shared/types';

/**
 * The rows `search()` may return: available items that pass the plain-data filter
 * (`{ brand, category, excludeIds }`; brand case-insensitive, category any level of the path).
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function searchFilter(items: readonly Item[], rowOf: (id: string) => number | undefined, filter: SearchOptions['filter'] = {}): (row: number) => boolean {
  if (typeof filter !== 'object' || filter === null) throw new LocalrecError('INVALID_ARGUMENT', 'filter must be { brand?, category?, excludeIds? }.');
  const excluded = new Set((filter.excludeIds ?? []).map(rowOf));
  const brand = filter.brand?.toLowerCase();
  return (row) => {
    const item = items[row]!;
    return (
      item.available !== false &&
      !excluded.has(row) &&
      (brand === undefined || item.brand?.toLowerCase() === brand) &&
      (filter.category === undefined || (item.category ?? []).includes(filter.category))
    );
  };
}
