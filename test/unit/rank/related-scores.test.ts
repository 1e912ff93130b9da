import { describe, expect, it } from 'vitest';
import { ContentModel } from '../../../src/models/content/content-model';
import { combineRelated, relatedParts, relatedScores } from '../../../src/rank/related-items';

describe('relatedScores (similar() and boughtTogether())', () => {
  // Two printers and their supplies: the ink cartridges share the same words with the printer,
  // but only one is of its brand.
  const items = [
    { id: 'p1', title: 'Inkjet Printer 3000', brand: 'Acme', category: ['Printers'] },
    { id: 'c1', title: 'Ink Cartridge Black', brand: 'Acme', category: ['Ink'] },
    { id: 'c2', title: 'Ink Cartridge Black', brand: 'Zenith', category: ['Ink'] },
    { id: 'p2', title: 'Laser Printer 9000', brand: ' ZENITH ', category: ['Printers'] },
    { id: 'x', title: 'Stapler', category: ['Desk'] },
  ];
  const content = new ContentModel(items);
  const parts = { content, collaborative: null, embeddings: null };

  it('keys brands as the item features do (case and spacing aside) and gives rows without one −1', () => {
    const ids = content.brandIds();
    expect(ids[1]).toBe(ids[0]);
    expect(ids[3]).toBe(ids[2]);
    expect(ids[0]).not.toBe(ids[2]);
    expect(ids[4]).toBe(-1);
  });

  it('adds the same-brand weight times the share of the given items of that brand', async () => {
    const off = await relatedScores(parts, [0], { collaborative: 0, embeddings: 0, sameBrand: 0 });
    const on = await relatedScores(parts, [0], { collaborative: 0, embeddings: 0, sameBrand: 2 });
    expect(on[1]! - off[1]!).toBeCloseTo(2, 5);
    expect(on[2]).toBeCloseTo(off[2]!, 5);
    expect(on[4]).toBeCloseTo(off[4]!, 5);
    // Two printers of two brands: each brand's rows get half the weight.
    const both = await relatedParts(parts, [0, 3]);
    const mixed = combineRelated(both, { collaborative: 0, embeddings: 0, sameBrand: 2 });
    const plain = combineRelated(both, { collaborative: 0, embeddings: 0, sameBrand: 0 });
    expect(mixed[1]! - plain[1]!).toBeCloseTo(1, 5);
    expect(mixed[2]! - plain[2]!).toBeCloseTo(1, 5);
    expect(mixed[4]).toBeCloseTo(plain[4]!, 5);
  });

  it('recombines precomputed parts to the same scores as one call', async () => {
    const weights = { collaborative: 0.7, embeddings: 0, sameBrand: 3 };
    const once = await relatedScores(parts, [1], weights);
    const again = combineRelated(await relatedParts(parts, [1]), weights);
    expect(Array.from(again)).toEqual(Array.from(once));
  });
});
