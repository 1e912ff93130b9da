import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item, MerchantRules } from '../../../src/shared/types';
import { checkMerchantRules } from '../../../src/rank/check-rules';
import { placePins } from '../../../src/rank/merchant-rules';
import { availabilityOf, normalizeCatalog } from '../../../src/catalog/normalize-catalog';
import { Engine } from '../../../src/worker/engine';

// A small store: six duct tapes (two brands), four glues, two gloves; one tape and one glue out of stock.
const catalog: Item[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ id: `tape-${i}`, title: `Duct tape roll model ${'abcdef'[i]} ${i * 5} yard`, category: ['Tape', 'Duct Tape'], brand: i < 3 ? 'Duck' : 'Gorilla', price: 5 + i, ...(i === 5 ? { available: false } : {}) })),
  ...Array.from({ length: 4 }, (_, i) => ({ id: `glue-${i}`, title: `Super glue tube ${'wxyz'[i]} adhesive tape repair`, category: ['Glue', 'Super Glue'], brand: 'Loctite', price: 3 + i, ...(i === 3 ? { available: false } : {}) })),
  { id: 'glove-0', title: 'Nitrile gloves box of 100', category: ['Safety', 'Gloves'], brand: 'Medline', price: 12 },
  { id: 'glove-1', title: 'Latex gloves box of 50', category: ['Safety', 'Gloves'], brand: 'Medline' },
];
const rowOf = (id: string): number | undefined => { const i = catalog.findIndex((item) => item.id === id); return i < 0 ? undefined : i; };
const check = (rules: MerchantRules) => checkMerchantRules(rules, 'spread', rowOf);

describe('checking the merchant rules', () => {
  it('resolves ids to rows, sorts pins by position and fills in the defaults', () => {
    const rules = check({ filter: { brand: 'Duck', excludeIds: ['tape-1', 'no-such-id'] }, pin: [{ itemId: 'glue-0', position: 3 }, { itemId: 'glove-0', position: 0 }] });
    expect(rules.filter).toEqual({ brand: 'Duck', available: true });
    expect(rules.excludedRows).toEqual([1]);
    expect(rules.pins).toEqual([{ row: 10, position: 0 }, { row: 6, position: 3 }]);
    expect(rules.spread).toBe(true);
    expect(checkMerchantRules({}, 'keep', rowOf).spread).toBe(false);
    expect(checkMerchantRules({}, 'spread', rowOf, ['tape-2']).excludedRows).toEqual([2]);
  });

  it.each<[string, MerchantRules, string]>([
    ['a typo in the filter', { filter: { brnad: 'Duck' } as never }, 'INVALID_ARGUMENT'],
    ['a price range that nothing can pass', { filter: { minPrice: 10, maxPrice: 5 } }, 'INVALID_ARGUMENT'],
    ['a non-numeric price', { filter: { minPrice: 'cheap' as never } }, 'INVALID_ARGUMENT'],
    ['an availability that is neither true, false nor any', { filter: { available: 'yes' as never } }, 'INVALID_ARGUMENT'],
    ['excludeIds that are not ids', { filter: { excludeIds: [3] as never } }, 'INVALID_ARGUMENT'],
    ['a boost beyond 5 standard deviations', { boost: [{ brand: 'Duck', by: 6 }] }, 'INVALID_ARGUMENT'],
    ['a boost that names nothing', { boost: [{ by: 1 }] }, 'INVALID_ARGUMENT'],
    ['a boost with an unknown field', { boost: [{ brand: 'Duck', by: 1, times: 2 } as never] }, 'INVALID_ARGUMENT'],
    ['a per-category cap of 0', { maxPerCategory: 0 }, 'INVALID_ARGUMENT'],
    ['unknown variants', { variants: 'all' as never }, 'INVALID_ARGUMENT'],
    ['a pin at a negative position', { pin: [{ itemId: 'tape-0', position: -1 }] }, 'INVALID_ARGUMENT'],
    ['a pin at a fractional position', { pin: [{ itemId: 'tape-0', position: 1.5 }] }, 'INVALID_ARGUMENT'],
    ['one item pinned twice', { pin: [{ itemId: 'tape-0', position: 0 }, { itemId: 'tape-0', position: 2 }] }, 'INVALID_ARGUMENT'],
    ['two pins on one position', { pin: [{ itemId: 'tape-0', position: 1 }, { itemId: 'tape-1', position: 1 }] }, 'INVALID_ARGUMENT'],
    ['a pin of an item not in the catalog', { pin: [{ itemId: 'no-such-id', position: 0 }] }, 'UNKNOWN_ITEM'],
  ])('refuses %s with a typed error', (_what, rules, code) => {
    expect(() => check(rules)).toThrow(expect.objectContaining({ name: 'LocalrecError', code }));
  });

  it('places pins at their positions, a position past a short list last, and cuts to k', () => {
    expect(placePins(['a', 'b', 'c', 'd'], [{ position: 0, entry: 'P' }, { position: 2, entry: 'Q' }], 4)).toEqual(['P', 'a', 'Q', 'b']);
    expect(placePins(['a'], [{ position: 5, entry: 'P' }], 4)).toEqual(['a', 'P']);
    expect(placePins(['a', 'b', 'c'], [{ position: 3, entry: 'P' }], 3)).toEqual(['a', 'b', 'c']);
  });
});

describe('availability in the catalog', () => {
  it('reads available, inStock or an availability value; unknown stays available', () => {
    expect(['in_stock', 'InStock', 'https://schema.org/InStock', 'preorder', 'backorder'].map(availabilityOf)).toEqual([true, true, true, true, true]);
    expect(['out_of_stock', 'OutOfStock', 'http://schema.org/SoldOut', 'discontinued', false].map(availabilityOf)).toEqual([false, false, false, false, false]);
    expect(availabilityOf('maybe')).toBeUndefined();
    const { items, report } = normalizeCatalog([
      { id: 'a', title: 'A', inStock: false },
      { id: 'b', title: 'B', availability: 'out of stock' },
      { id: 'c', title: 'C', availability: 'ask us' },
      { id: 'd', title: 'D', available: true, inStock: false },
      { id: 'e', title: 'E' },
    ]);
    expect(items.map((i) => i.available)).toEqual([false, false, undefined, true, undefined]);
    expect(report.droppedFields).toBe(1);
  });
});

describe('the same rules on recommend(), similar() and search()', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create({ catalog, backend: 'cpu', dbName: 'merchant-rules', maxEvents: 100, persist: false });
    await engine.track({ type: 'view', itemId: 'tape-0' });
  });
  afterAll(() => engine?.dispose());

  const calls = {
    recommend: (rules: MerchantRules, k: number) => engine.recommend({ k, ...rules }),
    similar: (rules: MerchantRules, k: number) => engine.similar('tape-0', { k, ...rules }),
    search: (rules: MerchantRules, k: number) => engine.search('tape', { k, ...rules }),
  };

  it.each(Object.keys(calls) as (keyof typeof calls)[])('%s: the filter is applied before the top k, so k items still come back', async (call) => {
    const got = await calls[call]({ filter: { brand: 'Gorilla', available: 'any' } }, 3);
    expect(got.map((r) => r.itemId).sort()).toEqual(['tape-3', 'tape-4', 'tape-5']);
    const inStock = await calls[call]({ filter: { brand: 'gorilla' } }, 3);
    expect(inStock.map((r) => r.itemId).sort()).toEqual(['tape-3', 'tape-4']);
    const soldOut = await calls[call]({ filter: { available: false } }, 5);
    expect(soldOut.map((r) => r.itemId).sort()).toEqual(['glue-3', 'tape-5']);
    const cheap = await calls[call]({ filter: { maxPrice: 6, excludeIds: ['glue-1'] } }, 10);
    expect(cheap.every((r) => r.item.price! <= 6 && r.itemId !== 'glue-1' && r.item.available !== false)).toBe(true);
  });

  it.each(Object.keys(calls) as (keyof typeof calls)[])('%s: pins take their position; a pin the filter refuses is left out and the list is still full', async (call) => {
    const plain = await calls[call]({ variants: 'keep' }, 4);
    const pinned = await calls[call]({ variants: 'keep', pin: [{ itemId: 'glove-1', position: 0 }, { itemId: 'glue-2', position: 2 }] }, 4);
    expect(pinned.map((r) => r.itemId)[0]).toBe('glove-1');
    expect(pinned.map((r) => r.itemId)[2]).toBe('glue-2');
    expect(pinned.filter((r) => r.pinned).map((r) => r.itemId)).toEqual(['glove-1', 'glue-2']);
    expect(pinned.filter((r) => !r.pinned).map((r) => r.itemId)).toEqual(plain.map((r) => r.itemId).filter((id) => id !== 'glue-2').slice(0, 2));
    // Out of stock, or outside the filter: not shown; its place goes to the ranking.
    const refused = await calls[call]({ filter: { category: 'Duct Tape', available: true }, pin: [{ itemId: 'tape-5', position: 0 }, { itemId: 'glove-0', position: 1 }] }, 3);
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.itemId.startsWith('tape-') && r.itemId !== 'tape-5' && !r.pinned)).toBe(true);
    await expect(calls[call]({ pin: [{ itemId: 'nope', position: 0 }] }, 3)).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await expect(calls[call]({ filter: { brnad: 'x' } as never }, 3)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.each(Object.keys(calls) as (keyof typeof calls)[])('%s: a boost lifts what it names; the per-category cap holds', async (call) => {
    const boosted = await calls[call]({ variants: 'keep', boost: [{ category: 'Super Glue', by: 5 }] }, 3);
    expect(boosted.every((r) => r.itemId.startsWith('glue-'))).toBe(true);
    const lowered = await calls[call]({ boost: [{ brand: 'Duck', by: -5 }], filter: { category: 'Duct Tape' } }, 2);
    expect(lowered.every((r) => r.item.brand === 'Gorilla')).toBe(true);
    const capped = await calls[call]({ maxPerCategory: 1 }, 3);
    const leaves = capped.map((r) => r.item.category?.at(-1));
    expect(new Set(leaves).size).toBe(leaves.length);
    // A pinned item counts towards the cap and the variant spread of the rest: no second glue follows a pinned one.
    const withPin = await calls[call]({ maxPerCategory: 1, pin: [{ itemId: 'glue-0', position: 0 }], boost: [{ category: 'Super Glue', by: 5 }] }, 3);
    expect(withPin[0]).toMatchObject({ itemId: 'glue-0', pinned: true });
    expect(withPin.filter((r) => r.itemId.startsWith('glue-'))).toHaveLength(1);
    const spreadPin = await calls[call]({ variants: 'spread', pin: [{ itemId: 'glue-0', position: 0 }], boost: [{ category: 'Super Glue', by: 5 }] }, 3);
    // The next place goes to a distinct item (other glues wait, however boosted; in search, where few hits are distinct, they fill the end).
    expect(spreadPin[1]!.itemId).not.toMatch(/^glue-/);
  });

  it('leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    for (const call of Object.values(calls)) await call({ boost: [{ brand: 'Duck', by: 1 }], pin: [{ itemId: 'glove-0', position: 1 }], maxPerCategory: 2 }, 4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a per-category cap when the best candidates share one category', () => {
  it('takes more candidates until k come back (recommend, similar, boughtTogether)', async () => {
    // Forty tapes lead every list; four other leaf categories come after them.
    const store: Item[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `tape-${i}`, title: `Duct tape roll ${i} heavy duty tape`, category: ['Tape', 'Duct Tape'], brand: 'Duck' })),
      ...['Masking Tape', 'Tape Dispensers', 'Scissors', 'Box Cutters'].map((leaf, i) => ({ id: `other-${i}`, title: `${leaf} for tape jobs`, category: ['Tape', leaf], brand: 'Other' })),
    ];
    const engine = await Engine.create({ catalog: store, backend: 'cpu', dbName: 'cap-depth', maxEvents: 100, persist: false });
    try {
      await engine.track({ type: 'view', itemId: 'tape-0' });
      const lists = [
        await engine.recommend({ k: 4, maxPerCategory: 1, boost: [{ category: 'Duct Tape', by: 5 }] }),
        await engine.similar('tape-0', { k: 4, maxPerCategory: 1, boost: [{ category: 'Duct Tape', by: 5 }] }),
        await engine.boughtTogether(['tape-0'], { k: 4, maxPerCategory: 1, boost: [{ category: 'Duct Tape', by: 5 }] }),
      ];
      lists.forEach((list, i) => {
        expect(list).toHaveLength(4);
        const leaves = list.map((r) => r.item.category?.at(-1));
        expect(new Set(leaves).size).toBe(4);
        // One tape gets through the cap (boughtTogether leaves out the viewed tape's variants: every other tape).
        if (i < 2) expect(leaves).toContain('Duct Tape');
      });
    } finally {
      engine.dispose();
    }
  });
});
