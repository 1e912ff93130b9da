import { describe, expect, it } from 'vitest';
import { evaluateUsers } from '../../../eval/evaluate';
import { hitRateAt, ndcgAt, recallAt, topK } from '../../../src/util/ranking-metrics';
import { tieRanks } from '../../../eval/metrics';
import { mulberry32, permutation, rngFor, shuffle } from '../../../src/util/random';

const identityTies = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('ranking metrics', () => {
  it('Recall@K divides by min(K, #targets)', () => {
    const ranked = [5, 1, 7, 2, 9];
    expect(recallAt(ranked, new Set([1, 2]), 5)).toBe(1);
    expect(recallAt(ranked, new Set([1, 3]), 5)).toBe(0.5);
    // 2 hits in the top 2, 4 targets: divided by min(2, 4) = 2.
    expect(recallAt(ranked, new Set([5, 1, 3, 4]), 2)).toBe(1);
    expect(recallAt(ranked, new Set([5, 3, 4, 6]), 2)).toBe(0.5);
  });

  it('NDCG@K uses the ideal DCG of min(K, #targets) hits', () => {
    const ranked = [5, 1, 7, 2];
    // One target at rank 2 (0-based 1): 1/log2(3) over the ideal 1/log2(2) = 1.
    expect(ndcgAt(ranked, new Set([1]), 4)).toBeCloseTo(1 / Math.log2(3), 12);
    // Targets at ranks 0 and 3 of 2 targets: (1 + 1/log2(5)) / (1 + 1/log2(3)).
    expect(ndcgAt(ranked, new Set([5, 2]), 4)).toBeCloseTo((1 + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    // K = 1 with 3 targets: ideal is a single hit.
    expect(ndcgAt(ranked, new Set([5, 2, 9]), 1)).toBe(1);
    expect(ndcgAt(ranked, new Set([9]), 4)).toBe(0);
  });

  it('HR@K is 1 when the target is in the top K', () => {
    expect(hitRateAt([3, 4, 5], new Set([5]), 3)).toBe(1);
    expect(hitRateAt([3, 4, 5], new Set([5]), 2)).toBe(0);
  });
});

describe('topK', () => {
  it('matches a full sort by (score desc, tie rank asc), skipping blocked items', () => {
    const rng = mulberry32(7);
    const n = 500;
    // Few distinct values: many ties.
    const scores = Float32Array.from({ length: n }, () => Math.floor(rng() * 20) / 4);
    const ties = tieRanks(n, 3);
    const blocked = new Uint8Array(n);
    for (let i = 0; i < n; i += 7) blocked[i] = 1;
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => !blocked[i])
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || (ties[a] as number) - (ties[b] as number))
      .slice(0, 50);
    expect(Array.from(topK(scores, 0, n, 50, ties, blocked))).toEqual(expected);
  });

  it('breaks ties by the seeded order, not by item index', () => {
    const scores = new Float32Array(10).fill(1);
    const ties = tieRanks(10, 42);
    const ranked = Array.from(topK(scores, 0, 10, 10, ties));
    expect(ranked.map((i) => ties[i])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ranked).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(tieRanks(10, 42))).toEqual(Array.from(ties)); // fixed for a seed
  });

  it('ranks NaN last and reads the row at the offset', () => {
    const scores = Float32Array.from([9, 9, 9, NaN, 1, 2]);
    expect(Array.from(topK(scores, 3, 3, 3, identityTies(3)))).toEqual([2, 1, 0]);
  });
});

describe('evaluateUsers', () => {
  it("masks each user's input items before ranking", async () => {
    // Every user's input item scores highest; masking must leave the target at rank 1.
    const n = 6;
    const result = await evaluateUsers({
      score: async (x) => {
        const out = new Float32Array(x.rows * n);
        for (let r = 0; r < x.rows; r++) {
          for (let j = 0; j < n; j++) out[r * n + j] = j; // higher index = higher score
          out[r * n + (x.indices[x.indptr[r] as number] as number)] = 100;
        }
        return out;
      },
      inputs: [[0], [5]],
      targets: [[5], [4]],
      cols: n,
      metrics: ['HR@1', 'NDCG@2'],
      tieRank: identityTies(n),
      batchSize: 1,
    });
    expect(result).toEqual({ 'HR@1': 1, 'NDCG@2': 1 });
  });

  it('restricts candidates per view and prefixes the keys', async () => {
    const n = 4;
    const excluded = Uint8Array.from([1, 1, 0, 0]);
    const result = await evaluateUsers({
      score: async (x) => new Float32Array(x.rows * n).map((_, k) => [4, 3, 1, 2][k % n] as number),
      inputs: [[]],
      targets: [[2]],
      cols: n,
      metrics: ['HR@1', 'HR@3'],
      tieRank: identityTies(n),
      views: [{ prefix: 'cold_', excluded }, { prefix: 'all_' }],
    });
    expect(result).toEqual({ 'cold_HR@1': 0, 'cold_HR@3': 1, 'all_HR@1': 0, 'all_HR@3': 0 });
  });
});

describe('seeded randomness', () => {
  it('is reproducible per seed and label, and shuffles are permutations', () => {
    const a = Array.from({ length: 5 }, rngFor(42, 'x'));
    expect(Array.from({ length: 5 }, rngFor(42, 'x'))).toEqual(a);
    expect(Array.from({ length: 5 }, rngFor(42, 'y'))).not.toEqual(a);
    expect(Array.from({ length: 5 }, rngFor(43, 'x'))).not.toEqual(a);
    const p = permutation(100, mulberry32(1));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffle([1, 2, 3, 4, 5, 6, 7, 8], mulberry32(5))).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
