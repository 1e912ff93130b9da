import type { Item } from '../shared/types';

const leaf = (item: Item): string | undefined => item.category?.at(-1);

/**
 * The reason line of a similar item: what it really shares with the item the shopper is looking
 * at (brand, category), else that it is close in its text. Without the source item, only the
 * content match can be said.
 * @example similarReason(candidate, product) // 'Same brand (3M) and category'
 */
export function similarReason(candidate: Item, source: Item | null): string {
  if (!source) return 'Similar in title and description';
  const brand = candidate.brand && source.brand && candidate.brand.toLowerCase() === source.brand.toLowerCase() ? candidate.brand : null;
  const category = leaf(candidate) !== undefined && leaf(candidate) === leaf(source);
  if (brand && category) return `Same brand (${brand}) and category`;
  if (brand) return `Same brand (${brand})`;
  if (category) return 'Same category';
  return 'Similar in title and description';
}
