import { describe, expect, it } from 'vitest';
import { ContentModel, HUBNESS_MAX_ITEMS, HUBNESS_NEIGHBOURS } from '../../../src/models/content/content-model';
import { scientificItems } from '../load-fixture';
import { combineRelated, RERANKED, relatedParts, relatedScores } from '../../../src/rank/related-items';

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
    const off = await relatedScores(parts, [0], { collaborative: 0, embeddings: 0, sameBrand: 0, hubness: 0 });
    const on = await relatedScores(parts, [0], { collaborative: 0, embeddings: 0, sameBrand: 2, hubness: 0 });
    expect(on[1]! - off[1]!).toBeCloseTo(2, 5);
    expect(on[2]).toBeCloseTo(off[2]!, 5);
    expect(on[4]).toBeCloseTo(off[4]!, 5);
    // Two printers of two brands: each brand's rows get half the weight.
    const both = await relatedParts(parts, [0, 3]);
    const mixed = combineRelated(both, { collaborative: 0, embeddings: 0, sameBrand: 2, hubness: 0 });
    const plain = combineRelated(both, { collaborative: 0, embeddings: 0, sameBrand: 0, hubness: 0 });
    expect(mixed[1]! - plain[1]!).toBeCloseTo(1, 5);
    expect(mixed[2]! - plain[2]!).toBeCloseTo(1, 5);
    expect(mixed[4]).toBeCloseTo(plain[4]!, 5);
  });

  it('recombines precomputed parts to the same scores as one call', async () => {
    const weights = { collaborative: 0.7, embeddings: 0, sameBrand: 3, hubness: 0 };
    const once = await relatedScores(parts, [1], weights);
    const again = combineRelated(await relatedParts(parts, [1]), weights);
    expect(Array.from(again)).toEqual(Array.from(once));
  });

  it('takes a share of each best row’s hubness (mean cosine of its nearest rows) off its content cosine', async () => {
    const catalog = scientificItems().slice(0, 600);
    const model = new ContentModel(catalog);
    const vectors = model.alikeVectors();
    // The hubness is the mean of the row's HUBNESS_NEIGHBOURS best cosines to other rows.
    for (const row of [0, 17, 333]) {
      const cosines = Array.from(vectors.cosineRow(row)).map((c, other) => (other === row ? 0 : c)).sort((a, b) => b - a);
      const expected = cosines.slice(0, HUBNESS_NEIGHBOURS).reduce((a, b) => a + b, 0) / HUBNESS_NEIGHBOURS;
      expect(model.alikeHubness(row)).toBeCloseTo(expected, 5);
    }
    const p = await relatedParts({ content: model, collaborative: null, embeddings: null }, [5]);
    const weights = { collaborative: 0, embeddings: 0, sameBrand: 0, hubness: 0.2 };
    const plain = combineRelated(p, { ...weights, hubness: 0 });
    const corrected = combineRelated(p, weights);
    const best = Array.from(plain.keys()).sort((a, b) => plain[b]! - plain[a]! || a - b);
    let moved = 0;
    best.forEach((row, rank) => {
      const expected = rank < RERANKED ? plain[row]! - (0.2 * model.alikeHubness(row)!) / p.contentSd : plain[row]!;
      expect(corrected[row]).toBeCloseTo(expected, 4);
      if (corrected[row] !== plain[row]) moved++;
    });
    expect(moved).toBeGreaterThan(RERANKED / 2);
  });

  it('has no hubness above HUBNESS_MAX_ITEMS items (the correction is skipped there)', async () => {
    const many = Array.from({ length: HUBNESS_MAX_ITEMS + 1 }, (_, i) => ({ id: `i${i}`, title: `Item ${i % 50} blue` }));
    const model = new ContentModel(many);
    expect(model.alikeHubness(0)).toBeNull();
    const p = await relatedParts({ content: model, collaborative: null, embeddings: null }, [0]);
    expect(Array.from(combineRelated(p, { collaborative: 0, embeddings: 0, sameBrand: 0, hubness: 0.5 }))).toEqual(Array.from(p.content));
  });
});
