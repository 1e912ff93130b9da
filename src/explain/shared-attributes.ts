import type { Item, SharedAttribute } from '../shared/types';
import { priceBand } from '../features/item-features';

/** Human text for a price band ($a–$b), the same bands the content features use. */
export function priceBandLabel(price: number): string {
  const band = priceBand(price);
  const low = 1.5 ** band - 1;
  const high = 1.5 ** (band + 1) - 1;
  const money = (v: number): string => `$${v < 10 ? v.toFixed(2) : Math.round(v)}`;
  return `${money(Math.max(0, low))}–${money(high)}`;
}

const leaf = (item: Item): string | undefined => item.category?.at(-1);

/**
 * Attributes `item` really shares with each of `others` (brand, category leaf, price band).
 * @param categoryName the leaf's name as a shopper reads it ("Digital Calipers", not the flattened path)
 */
export function sharedAttributes(item: Item, others: readonly Item[], categoryName?: (item: Item) => string | null): SharedAttribute[] {
  const shared: SharedAttribute[] = [];
  for (const other of others) {
    if (other.id === item.id) continue;
    if (item.brand && other.brand && item.brand.toLowerCase() === other.brand.toLowerCase()) {
      shared.push({ attribute: 'brand', value: item.brand, itemId: other.id });
    }
    const category = leaf(item);
    if (category && category === leaf(other)) shared.push({ attribute: 'category', value: categoryName?.(item) ?? category, itemId: other.id });
    if (item.price !== undefined && other.price !== undefined && priceBand(item.price) === priceBand(other.price)) {
      shared.push({ attribute: 'price band', value: priceBandLabel(item.price), itemId: other.id });
    }
  }
  return shared;
}
