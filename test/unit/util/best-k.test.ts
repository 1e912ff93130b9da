import { describe, expect, it } from 'vitest';
import { BestK, clearOfBoundaryTie } from '../../../src/util/best-k';
import { Rng } from '../../../src/util/random';

describe('BestK', () => {
  it('keeps the k best, best first, ties to the lower tie rank — the same as a full sort', () => {
    const rng = new Rng(9);
    const n = 3000;
    const scores = Array.from({ length: n }, () => Math.round(rng.next() * 50));
    const tieRank = Int32Array.from(rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)));
    for (const [k, ties] of [[25, tieRank], [25, null], [0, null], [5000, null]] as const) {
      const best = new BestK(k, ties);
      scores.forEach((s, i) => best.push(s, i));
      const rank = (i: number): number => (ties ? ties[i]! : i);
      const sorted = scores.map((s, i) => i).sort((a, b) => scores[b]! - scores[a]! || rank(a) - rank(b)).slice(0, k);
      const { ids, scores: kept } = best.take();
      expect(Array.from(ids)).toEqual(sorted);
      expect(Array.from(kept)).toEqual(sorted.map((i) => scores[i]));
    }
  });

  it('wouldKeep says whether a push would enter the selection', () => {
    const best = new BestK(2);
    best.push(5, 0);
    best.push(3, 1);
    expect(best.wouldKeep(4, 2)).toBe(true);
    expect(best.wouldKeep(3, 0)).toBe(true); // equal score, lower id wins the tie
    expect(best.wouldKeep(3, 7)).toBe(false);
    expect(new BestK(0).wouldKeep(9, 0)).toBe(false);
  });
});

describe('clearOfBoundaryTie', () => {
  it('keeps the first k when the k-th place is not shared', () => {
    expect(clearOfBoundaryTie([7, 3, 9, 4], [0.9, 0.8, 0.7, 0.6], 3)).toEqual([7, 3, 9]);
  });
  it('drops every entry tied with the k-th when the tie runs past place k', () => {
    expect(clearOfBoundaryTie([7, 3, 9, 4], [0.9, 0.7, 0.7, 0.7], 3)).toEqual([7]);
    // Equal up to summation order counts as a tie.
    expect(clearOfBoundaryTie([7, 3, 9], [0.9, 0.5, 0.5 + 1e-9], 2)).toEqual([7]);
  });
  it('without a (k+1)-th entry, assumes a tie at the edge runs on; fewer than k candidates are all kept', () => {
    expect(clearOfBoundaryTie([7, 3, 9], [0.9, 0.8, 0.7], 3)).toEqual([7, 3]);
    expect(clearOfBoundaryTie([7, 3], [0.9, 0.8], 3)).toEqual([7, 3]);
  });
});
