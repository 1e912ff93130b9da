import type { Item } from '../shared/types';

/** Leaf names are cut to this many words. */
const LEAF_WORDS = 3;
/** Generic labels ("category 6") that name nothing a shopper would recognise. */
const GENERIC_CATEGORY = /^category\s*\d+$/i;

/**
 * Leaf name of one category path, given every path in the catalog. Where the path is one
 * flattened string (the Amazon sets: "Industrial & Scientific Test, Measure & Inspect Dimensional
 * Measurement Calipers Digital Calipers"), the leaf is what follows the longest other path of the
 * catalog that is a word-prefix of it ("Digital Calipers"); with no such parent, its last three
 * words. Null for generic labels and items without a category.
 */
export function leafCategory(category: readonly string[] | undefined, paths: ReadonlySet<string>): string | null {
  if (!category || category.length === 0) return null;
  const last = (category[category.length - 1] as string).trim();
  if (last === '' || GENERIC_CATEGORY.test(last)) return null;
  let words = last.split(/\s+/);
  if (category.length === 1) {
    for (let k = words.length - 1; k >= 1; k--) {
      if (paths.has(words.slice(0, k).join(' '))) {
        words = words.slice(k);
        break;
      }
    }
  }
  return words.slice(-LEAF_WORDS).join(' ');
}

/** Each item's leaf category name (see leafCategory), over a catalog. */
export function catalogLeaves(items: readonly Item[]): (item: Item) => string | null {
  const paths = new Set<string>();
  for (const item of items) {
    const last = item.category?.[item.category.length - 1];
    if (last) paths.add(last.trim().split(/\s+/).join(' '));
  }
  return (item) => leafCategory(item.category, paths);
}
