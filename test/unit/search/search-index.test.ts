import { describe, expect, it } from 'vitest';
import { LocalrecError } from '../../../src/shared/errors';
import type { Item } from '../../../src/shared/types';
import { boundedEditDistance } from '../../../src/search/edit-distance';
import { SearchIndex, type SearchHit } from '../../../src/search';
import { scientificItems } from '../load-fixture';

const items = scientificItems();
const index = SearchIndex.build(items);

const titles = (hits: SearchHit[]): string[] => hits.map((h) => (items[h.row] as Item).title);

function expectInvalidArgument(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LocalrecError);
  expect((caught as LocalrecError).code).toBe('INVALID_ARGUMENT');
}

describe('SearchIndex on the real catalog slice', () => {
  it('finds items by their exact words, best matches first', () => {
    const hits = index.search('duct tape', { k: 10 });
    expect(hits).toHaveLength(10);
    for (const title of titles(hits)) expect(title).toMatch(/duct/i);
    const glue = index.search('gorilla glue', { k: 5 });
    expect(titles(glue)[0]).toMatch(/gorilla/i);
    for (const title of titles(glue)) expect(title).toMatch(/glue/i);
    // Scores are sorted, positive, and equal scores come in row order.
    for (let i = 1; i < hits.length; i++) {
      const [a, b] = [hits[i - 1] as SearchHit, hits[i] as SearchHit];
      expect(a.score > b.score || (a.score === b.score && a.row < b.row)).toBe(true);
    }
    expect(hits.every((h) => h.score > 0)).toBe(true);
  });

  it('completes the word being typed ("filam" → filament items)', () => {
    const hits = index.search('filam', { k: 10 });
    expect(hits).toHaveLength(10);
    for (const title of titles(hits)) expect(title).toMatch(/filament/i);
    // A finished word (followed by a space) is not a prefix any more.
    const finished = titles(index.search('filam ', { k: 10 }));
    expect(finished.filter((t) => /filament/i.test(t)).length).toBeLessThan(5);
  });

  it('scores only the 50 most frequent completions of a short prefix (a model number typed in a large catalog)', () => {
    // 300 model numbers starting with 30, one item each, and one common word "30ml" in 40 items.
    const many: Item[] = [
      ...Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, title: `Spare part 30${String(i).padStart(3, '0')}` })),
      ...Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, title: `30ml sample bottle ${i}` })),
    ];
    const big = SearchIndex.build(many);
    const hits = big.search('30', { k: 400 });
    // Every 30ml item (its word is the most frequent completion) and 49 model numbers: not all 300.
    const rows = new Set(hits.map((h) => h.row));
    for (let i = 300; i < 340; i++) expect(rows.has(i)).toBe(true);
    expect(hits.length).toBe(40 + 49);
    // A longer prefix still reaches the one item it names.
    expect(big.search('30123', { k: 5 }).map((h) => many[h.row]!.id)).toEqual(['m123']);
  });

  it('tells a bare shelf label ("category 8", none) from a shelf with a name of its own', () => {
    const labelled = SearchIndex.build(['category 1', 'category 2', 'category 3', 'category 2'].map((c, i) => ({ id: `o${i}`, title: `Item ${i}`, category: [c] })));
    expect([0, 1, 2, 3].map((row) => labelled.shelfIsBare(labelled.shelfOf(row)))).toEqual([true, true, true, true]);
    const named = SearchIndex.build([
      { id: 'a', title: 'Transfer pipettes', category: ['Lab Supplies', 'Pipettes'] },
      { id: 'b', title: 'Nitrile gloves', category: ['Lab Supplies', 'Exam Gloves'] },
      { id: 'c', title: 'Scale', category: ['Lab Supplies'] },
      { id: 'd', title: 'No shelf' },
    ]);
    // "lab" and "supplies" are on every shelf: the shelf that has only them is bare; so is no shelf at all.
    expect(['a', 'b', 'c', 'd'].map((_, row) => named.shelfIsBare(named.shelfOf(row)))).toEqual([false, false, true, true]);
    const hit = named.search('gloves', { k: 1 })[0]!;
    expect(hit).toMatchObject({ row: 1, namesShelf: true, bareShelf: false });
    // A shelf added later is judged with it.
    named.add([{ id: 'e', title: 'Beaker', category: ['Lab Supplies', 'Glassware'] }]);
    expect(named.shelfIsBare(named.shelfOf(4))).toBe(false);
  });

  it('tolerates a typo ("filamnet", "duct tpae")', () => {
    const exact = index.search('filament', { k: 10 }).map((h) => h.row);
    const typo = index.search('filamnet', { k: 10 });
    expect(typo).toHaveLength(10);
    for (const title of titles(typo)) expect(title).toMatch(/filament/i);
    expect(new Set(typo.map((h) => h.row))).toEqual(new Set(exact));
    for (const title of titles(index.search('duct tpae', { k: 5 }))) expect(title).toMatch(/duct tape/i);
    // Words with digits are model numbers: a near miss is another product, not a typo.
    const model = items.find((i) => /\bBLK260\b/.test(i.title)) as Item;
    expect(titles(index.search('blk260', { k: 1 }))).toEqual([model.title]);
    expect(index.search('blk261', { k: 50 })).toEqual([]);
  });

  it('ranks a word in the title above the same word in a description (field boosts)', () => {
    const [a, b] = [items[0] as Item, items[1] as Item];
    const withTitle: Item = { ...a, id: 'boost-a', title: `${a.title} hexagonal` };
    const withDescription: Item = { ...b, id: 'boost-b', description: `hexagonal ${b.title}` };
    const catalog = [...items, withTitle, withDescription];
    const hits = SearchIndex.build(catalog).search('hexagonal', { k: 2 }).map((h) => (catalog[h.row] as Item).id);
    expect(hits).toEqual(['boost-a', 'boost-b']);
    // The boosts decide it: turned around, so is the order.
    const flipped = SearchIndex.build(catalog, { boost: { title: 0.1, description: 5 } });
    expect(flipped.search('hexagonal', { k: 2 }).map((h) => (catalog[h.row] as Item).id)).toEqual(['boost-b', 'boost-a']);
  });

  it('applies the filter before taking the top k', () => {
    const all = index.search('tape', { k: items.length });
    const even = index.search('tape', { k: 10, filter: (row) => row % 2 === 0 });
    expect(even).toHaveLength(10);
    expect(even).toEqual(all.filter((h) => h.row % 2 === 0).slice(0, 10));
    expect(index.search('tape', { k: 10, filter: () => false })).toEqual([]);
  });

  it('folds accents and case', () => {
    const catalog: Item[] = [...items.slice(0, 20), { id: 'cafe', title: 'Café Thermometer' }];
    const small = SearchIndex.build(catalog);
    expect(small.search('CAFE', { k: 1 }).map((h) => h.row)).toEqual([20]);
    expect(small.search('café', { k: 1 }).map((h) => h.row)).toEqual([20]);
  });

});

describe('SearchIndex input checks', () => {
  it('gives [] for an empty or word-less query', () => {
    expect(index.search('', { k: 10 })).toEqual([]);
    expect(index.search('   \n\t', { k: 10 })).toEqual([]);
    expect(index.search('the and of a', { k: 10 })).toEqual([]);
    expect(index.search('!!!', { k: 10 })).toEqual([]);
    expect(index.search('zzqxjv', { k: 10 })).toEqual([]);
  });

  it('cuts a 10,000-character query to its first 500 characters', () => {
    const long = 'duct tape '.repeat(1000);
    expect(long.length).toBe(10_000);
    const hits = index.search(long, { k: 10 });
    expect(hits).toHaveLength(10);
    expect(hits).toEqual(index.search(long.slice(0, 500), { k: 10 }));
    const junk = 'x'.repeat(10_000);
    expect(index.search(junk, { k: 10 })).toEqual([]);
  });

  it('throws INVALID_ARGUMENT for a non-string query, a bad k or a bad filter', () => {
    for (const query of [undefined, null, 42, {}, ['duct']]) {
      expectInvalidArgument(() => index.search(query as unknown as string, { k: 10 }));
    }
    for (const k of [0, -1, 1.5, Number.NaN, '10', undefined]) {
      expectInvalidArgument(() => index.search('tape', { k } as unknown as { k: number }));
    }
    expectInvalidArgument(() => index.search('tape', null as unknown as { k: number }));
    expectInvalidArgument(() => index.search('tape', { k: 5, filter: 'even' as unknown as (row: number) => boolean }));
    expectInvalidArgument(() => SearchIndex.build('items' as unknown as Item[]));
    expectInvalidArgument(() => SearchIndex.build(items, { boost: { title: -1 } }));
  });
});

describe('boundedEditDistance', () => {
  it('counts edits, a swap of neighbours as one, and stops past the bound', () => {
    expect(boundedEditDistance('filamnet', 'filament', 2)).toBe(1);
    expect(boundedEditDistance('tape', 'tap', 1)).toBe(1);
    expect(boundedEditDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedEditDistance('kitten', 'sitting', 2)).toBe(3);
    expect(boundedEditDistance('same', 'same', 1)).toBe(0);
    expect(boundedEditDistance('a'.repeat(100), 'b'.repeat(100), 2)).toBe(3);
  });
});
