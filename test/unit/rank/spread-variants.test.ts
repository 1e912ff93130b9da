import { describe, expect, it } from 'vitest';
import { titleWords } from '../../../src/features/title-words';
import { shapeList, spreadVariants } from '../../../src/rank/spread-variants';

const titles = [
  'HATCHBOX PLA 3D Printer Filament, 1.75 mm, 1 kg Spool, Red',
  'HATCHBOX PLA 3D Printer Filament, 1.75 mm, 1 kg Spool, Yellow',
  'HATCHBOX PLA 3D Printer Filament, 1.75 mm, 1 kg Spool, Orange',
  'Digital Caliper 150 mm Stainless Steel',
  'Nitrile Exam Gloves, Medium, Box of 100',
  '',
];
const words = (row: number) => (titles[row] ? titleWords(titles[row]!) : null);

describe('spreading near-duplicate variants', () => {
  it('keeps one variant in place and defers the others until every distinct row is placed', () => {
    expect(spreadVariants([0, 1, 2, 3, 4, 5], 4, words)).toEqual([0, 3, 4, 5]);
    // Few distinct rows: the deferred variants fill the list, in their order.
    expect(spreadVariants([0, 1, 2, 3], 4, words)).toEqual([0, 3, 1, 2]);
    expect(spreadVariants([3, 4, 0], 2, words)).toEqual([3, 4]);
  });

  it('lets a variant wait only the given number of places', () => {
    // Rows 1 and 2 are variants of row 0: each waits two places behind where it would have stood.
    expect(spreadVariants([0, 1, 2, 3, 4, 5], 6, words, 2)).toEqual([0, 3, 4, 1, 2, 5]);
    expect(spreadVariants([0, 1, 3, 4], 3, words, 1)).toEqual([0, 3, 1]);
    // 0: the model's order; Infinity: the default.
    expect(spreadVariants([0, 1, 2, 3], 3, words, 0)).toEqual([0, 1, 2]);
    expect(spreadVariants([0, 1, 2, 3, 4, 5], 4, words, Infinity)).toEqual(spreadVariants([0, 1, 2, 3, 4, 5], 4, words));
  });

  it('carries the scores with the rows', () => {
    const sources = { words, leaf: (row: number) => (row < 3 ? 'Filament' : 'Other') };
    expect(shapeList({ rows: [0, 1, 3], scores: [0.9, 0.8, 0.5] }, 2, { spread: true }, sources)).toEqual({ rows: [0, 3], scores: [0.9, 0.5] });
    // At most one per leaf category, variants kept: the second filament waits for the next shelf.
    expect(shapeList({ rows: [0, 1, 3, 4], scores: [0.9, 0.8, 0.5, 0.4] }, 3, { spread: false, maxPerCategory: 1 }, sources).rows).toEqual([0, 3]);
  });
});
