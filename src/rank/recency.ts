/**
 * Recency decay: an item seen `age` positions before the newest one weighs 0.5^(age / halfLife).
 * halfLife = Infinity is uniform weighting. The half-life is not hand-set: the evaluation's
 * `+recency` models tune it on `loo` validation users (eval/adapters/recency-model.ts) and
 * `npm run train --evaluation` writes the tuned value into the model pack's manifest.
 */
export function recencyWeight(age: number, halfLife: number): number {
  if (!(halfLife > 0) || halfLife === Infinity) return 1;
  return 0.5 ** (age / halfLife);
}

/** Half-lives (in history positions) tried on validation users; Infinity = uniform. */
export const HALF_LIFE_CANDIDATES: readonly number[] = [1, 2, 3, 5, 8, 13, 21, 34, Infinity];
