import { describe, expect, it } from 'vitest';
import { nearDuplicates, titleWords } from '../../../src/features/title-words';
import { boughtTogetherExclusions, variantLookup } from '../../../src/rank/related-items';
import { scientificItems } from '../load-fixture';

describe('variantLookup (boughtTogether()\'s near-duplicate variants through a word index)', () => {
  it('finds exactly the rows a comparison with every title finds', () => {
    const items = scientificItems();
    // Extra rows: a variant of row 0 in another colour, an identical listing, and a title of one word.
    const extra = [
      { id: 'x1', title: `${items[0]!.title} Blue` },
      { id: 'x2', title: items[0]!.title },
      { id: 'x3', title: 'Pipette' },
      { id: 'x4', title: 'pipette' },
    ];
    const all = [...items, ...extra];
    const words = all.map((item) => titleWords(item.title));
    const lookup = variantLookup(all.length, (row) => words[row]!);
    let found = 0;
    for (let row = 0; row < all.length; row++) {
      const scan: number[] = [];
      for (let other = 0; other < all.length; other++) if (other !== row && nearDuplicates(words[other]!, words[row]!)) scan.push(other);
      expect(lookup(row)).toEqual(scan);
      found += scan.length;
    }
    // The check compared real variants, not only empty lists.
    expect(found).toBeGreaterThan(20);
    expect(lookup(0)).toEqual(expect.arrayContaining([items.length, items.length + 1]));
    expect(lookup(items.length + 2)).toEqual([items.length + 3]);
    // The exclusions: the items themselves first, then their variants, each once.
    expect(boughtTogetherExclusions([0, items.length], lookup).sort((a, b) => a - b)).toEqual([0, items.length, items.length + 1]);
  });
});
