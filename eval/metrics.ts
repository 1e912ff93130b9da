import { permutation, rngFor } from '../src/util/random';

/**
 * The evaluation's tie order: equal scores are ordered by a fixed seeded item order, so results
 * never depend on sort stability or item ids. The metrics themselves are src/util/ranking-metrics.ts.
 */

/** tieRank[item] = position of the item in a seeded random order; lower wins a tie. */
export function tieRanks(n: number, seed: number): Int32Array {
  const ranks = new Int32Array(n);
  permutation(n, rngFor(seed, 'ties')).forEach((item, pos) => (ranks[item] = pos));
  return ranks;
}
