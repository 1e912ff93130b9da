import { describe, expect, it } from 'vitest';
import { LocalrecError } from '../../../src/shared/errors';
import type { Item } from '../../../src/shared/types';
import { personalize, SearchIndex, type SearchHit } from '../../../src/search';
import { scientificItems } from '../load-fixture';

const items = scientificItems();
const index = SearchIndex.build(items);

/** A shopper who likes one brand: interest 1 for its items, 0 for the rest. */
const likes = (brand: string) => (rows: number[]) => rows.map((r) => ((items[r] as Item).brand === brand ? 1 : 0));

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof LocalrecError ? error.code : 'not a LocalrecError';
  }
  return undefined;
}

describe('personalize', () => {
  const lexical = index.search('filament', { k: 50 });
  const brand = 'Gizmo Dorks';

  it('ranks the shopper’s preferred items up, keeping exactly the lexical results', () => {
    expect(lexical.length).toBeGreaterThan(20);
    const preferred = lexical.filter((h) => (items[h.row] as Item).brand === brand);
    expect(preferred.length).toBeGreaterThan(1);
    // In lexical order the brand does not lead.
    expect((items[(lexical[0] as SearchHit).row] as Item).brand).not.toBe(brand);

    const ranked = personalize(lexical, likes(brand), 0.4);
    expect(ranked.slice(0, preferred.length).map((h) => (items[h.row] as Item).brand)).toEqual(preferred.map(() => brand));
    // Among the preferred items, lexical order is kept.
    expect(ranked.slice(0, preferred.length).map((h) => h.row)).toEqual(preferred.map((h) => h.row));
    // Same rows, nothing added or dropped; every one still matches the query.
    expect(new Set(ranked.map((h) => h.row))).toEqual(new Set(lexical.map((h) => h.row)));
    for (const hit of ranked) expect((items[hit.row] as Item).title + (items[hit.row] as Item).category).toMatch(/filament/i);
    // The parts add up and lie in [0, 1].
    for (const hit of ranked) {
      expect(hit.score).toBeCloseTo(0.6 * hit.lexical + 0.4 * hit.interest, 12);
      expect(hit.lexical).toBeGreaterThan(0);
      expect(hit.lexical).toBeLessThanOrEqual(1);
      expect([0, 1]).toContain(hit.interest);
    }
  });

  it('lets strong lexical relevance win over a small weight', () => {
    // With a weight this small, interest only reorders items of (nearly) equal lexical score.
    const ranked = personalize(lexical, likes(brand), 0.01);
    const top = ranked[0] as { lexical: number };
    expect(top.lexical).toBeGreaterThan(0.98);
    const sorted = [...ranked].map((h) => h.lexical);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!).toBeLessThanOrEqual((sorted[i - 1] as number) + 0.01 + 1e-12);
  });

  it('keeps the lexical order with weight 0, no history or a flat interest', () => {
    const order = lexical.map((h) => h.row);
    expect(personalize(lexical, likes(brand), 0).map((h) => h.row)).toEqual(order);
    expect(personalize(lexical, () => null, 0.5).map((h) => h.row)).toEqual(order);
    expect(personalize(lexical, (rows) => rows.map(() => 3), 0.5).map((h) => h.row)).toEqual(order);
    expect(personalize([], likes(brand), 0.5)).toEqual([]);
  });

  it('accepts any score scale and typed arrays; NaN counts as no interest', () => {
    const rows = lexical.map((h) => h.row);
    const favourite = rows[rows.length - 1] as number;
    const scores = (r: number[]) => Float32Array.from(r, (row) => (row === favourite ? 1e6 : row === rows[0] ? Number.NaN : -5));
    const ranked = personalize(lexical, scores, 0.6);
    expect(ranked[0]!.row).toBe(favourite);
  });

  it('rejects a weight outside [0, 1] and an interest of the wrong length', () => {
    for (const weight of [-0.1, 1.5, Number.NaN, '0.5']) {
      expect(code(() => personalize(lexical, likes(brand), weight as number))).toBe('INVALID_ARGUMENT');
    }
    expect(code(() => personalize(lexical, () => [1, 2, 3], 0.5))).toBe('INVALID_ARGUMENT');
    expect(code(() => personalize(lexical, likes(brand), 1))).toBeUndefined();
  });
});
