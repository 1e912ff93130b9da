import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tools/io/dataset-node';
import { mulberry32 } from '../../../src/util/random';
import { catalogQueryMaker, leafCategory, runSearchProtocol, titleWords, WEIGHT_GRID } from '../../../eval/search-protocol';
import { scientificItems } from '../load-fixture';

const OFFICE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));

describe('search protocol queries', () => {
  const paths = new Set([
    'Industrial & Scientific Tapes, Adhesives & Sealants',
    'Industrial & Scientific Tapes, Adhesives & Sealants Adhesive Tapes',
    'Industrial & Scientific Tapes, Adhesives & Sealants Adhesive Tapes Duct Tape',
    'Industrial & Scientific Lab & Scientific Products Lab Supplies & Consumables Lab Cleaning Supplies Lab Cleaning Brushes Tube Cleaning Brushes',
  ]);

  it('takes the leaf of a flattened category path, or the last level of a real path', () => {
    expect(leafCategory(['Industrial & Scientific Tapes, Adhesives & Sealants Adhesive Tapes Duct Tape'], paths)).toBe('Duct Tape');
    expect(leafCategory(['Industrial & Scientific Tapes, Adhesives & Sealants Adhesive Tapes'], paths)).toBe('Adhesive Tapes');
    // No parent path in the catalog: the last three words.
    expect(
      leafCategory(['Industrial & Scientific Lab & Scientific Products Lab Supplies & Consumables Lab Cleaning Supplies Lab Cleaning Brushes Tube Cleaning Brushes'], paths),
    ).toBe('Tube Cleaning Brushes');
    expect(leafCategory(['Office', 'Paper', 'Photo Paper'], paths)).toBe('Photo Paper');
    // Generic labels and missing categories give no leaf.
    expect(leafCategory(['category 6'], paths)).toBeNull();
    expect(leafCategory([], paths)).toBeNull();
    expect(leafCategory(undefined, paths)).toBeNull();
  });

  it('falls back to two seeded title words', () => {
    const title = 'Brother PT-65 P-touch Home and Hobby Labeler with LCD Screen Label Makers';
    const a = titleWords(title, mulberry32(1));
    expect(a).toEqual(titleWords(title, mulberry32(1)));
    const words = (a as string).split(' ');
    expect(words).toHaveLength(2);
    expect(words[0]).not.toBe(words[1]);
    for (const w of words) expect(title.toLowerCase()).toContain(w);
    expect(titleWords('3M', mulberry32(1))).toBeNull();
    const make = catalogQueryMaker(scientificItems());
    expect(make({ id: 'x', title: 'Scotch Packing Tape', category: ['category 19'] }, mulberry32(2))?.source).toBe('title');
    expect(make(scientificItems()[0]!, mulberry32(2))?.source).toBe('category');
  });
});

describe('runSearchProtocol', () => {
  it('returns search-lexical and search-personalised records in the report shape', async () => {
    const data = loadDataset(OFFICE);
    const records = await runSearchProtocol({ data, seed: 42, interestModel: 'itemknn' });
    expect(records.map((r) => r.model)).toEqual(['search-lexical', 'search-personalised']);
    for (const r of records) {
      expect(r).toMatchObject({ dataset: 'office-slice', protocol: 'search', seed: 42 });
      expect(Object.keys(r.metrics).sort()).toEqual(['HR@10', 'NDCG@10']);
      for (const v of Object.values(r.metrics)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(r.metrics['NDCG@10']).toBeLessThanOrEqual(r.metrics['HR@10'] as number);
      expect(typeof r.train_seconds).toBe('number');
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
    const [lexical, personalised] = records as [(typeof records)[0], (typeof records)[0]];
    const settings = personalised.settings as { weight: number; validation_NDCG10: Record<string, number>; eval: { test_users: number } };
    expect(WEIGHT_GRID).toContain(settings.weight);
    // The weight is the validation optimum, and weight 0 is lexical search's own validation figure.
    const best = Math.max(...Object.values(settings.validation_NDCG10));
    expect(settings.validation_NDCG10[String(settings.weight)]).toBe(best);
    expect(settings.validation_NDCG10['0']).toBe((lexical.settings as { validation_NDCG10: number }).validation_NDCG10);
    expect(settings.eval.test_users).toBeGreaterThan(100);
    // Same split, same seed: same figures.
    const again = await runSearchProtocol({ data, seed: 42, interestModel: 'itemknn' });
    expect(again.map((r) => r.metrics)).toEqual(records.map((r) => r.metrics));
  });
});
