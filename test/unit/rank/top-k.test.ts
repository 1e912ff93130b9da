import { describe, expect, it } from 'vitest';
import { topKOfScores, unavailableRows } from '../../../src/rank/top-k';
import { Rng } from '../../../src/util/random';
import type { Item } from '../../../src/shared/types';

describe('top k', () => {
  it('gives the rows a full sort gives: exclusions, unavailable rows and NaN left out, ties by row', () => {
    const rng = new Rng(3);
    const n = 5000;
    // Coarse values so that ties happen.
    const scores = Float32Array.from({ length: n }, () => Math.round(rng.next() * 200) / 200);
    scores[7] = Number.NaN;
    const items = Array.from({ length: n }, (_, i): Item => ({ id: `i${i}`, title: `item ${i}`, ...(i % 17 === 0 ? { available: false } : {}) }));
    const unavailable = unavailableRows(items)!;
    const excluded = [5, 9, 9, 4000, -1, n + 3];
    const top = topKOfScores(scores, 50, excluded, unavailable);
    const expected = Array.from({ length: n }, (_, row) => row)
      .filter((row) => row % 17 !== 0 && !excluded.includes(row) && !Number.isNaN(scores[row]!))
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, 50);
    expect(top.rows).toEqual(expected);
    expect(top.scores).toEqual(expected.map((row) => scores[row]!));
    // Without the unavailable rows' mask they may come back.
    expect(topKOfScores(scores, n, [], null).rows).toHaveLength(n - 1);
  });

  it('returns what there is when fewer than k rows may be shown, and marks nothing when all are available', () => {
    const three = Float32Array.from([0.5, 0.9, -Infinity]);
    expect(topKOfScores(three, 10, [1], null)).toEqual({ rows: [0, 2], scores: [0.5, -Infinity] });
    expect(three[1]).toBeCloseTo(0.9); // the excluded row's score is put back
    expect(unavailableRows([{ id: 'a', title: 'A' }, { id: 'b', title: 'B', available: true }])).toBeNull();
  });
});
