import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/shared/types';
import { hasNearDuplicate, ListQuality, titleWordSets } from '../../../eval/list-quality';

const item = (id: string, title: string): Item => ({ id, title });

describe('list quality (dup@12, coverage@12)', () => {
  const items = [
    item('a', 'HATCHBOX PLA 3D Printer Filament, 1.75 mm, 1 kg Spool, Red'),
    item('b', 'HATCHBOX PLA 3D Printer Filament, 1.75 mm, 1 kg Spool, Yellow'),
    item('c', 'Digital Caliper 150 mm Stainless Steel'),
    item('d', 'Nitrile Exam Gloves, Medium, Box of 100'),
    item('e', 'Safety Glasses with Anti-Fog Lens'),
  ];
  const words = titleWordSets(items)!;

  it('finds colour variants of one product (Jaccard ≥ 0.7), not unrelated items', () => {
    expect(hasNearDuplicate([0, 1, 2], words)).toBe(true);
    expect(hasNearDuplicate([0, 2, 3, 4], words)).toBe(false);
    // Only the top 12 counts: the variant at place 13 is not seen.
    const fillers = Array.from({ length: 11 }, (_, i) => item(`f${i}`, `Distinct product number ${'abcdefghijk'[i]!.repeat(3)} model`));
    const long = titleWordSets([...items, ...fillers])!;
    expect(hasNearDuplicate([0, ...fillers.map((_, i) => 5 + i), 1], long)).toBe(false);
    expect(hasNearDuplicate([0, ...fillers.slice(1).map((_, i) => 6 + i), 1], long)).toBe(true);
  });

  it('reports the share of lists with a duplicate pair and of items shown', () => {
    const quality = new ListQuality(words);
    quality.add([0, 1, 2]);
    quality.add([2, 3]);
    expect(quality.metrics()).toEqual({ 'dup@12': 0.5, 'coverage@12': 4 / 5 });
  });

  it('is not reported for catalogs without titles', () => {
    expect(titleWordSets([{ id: 'x', title: '' }])).toBeNull();
  });
});
