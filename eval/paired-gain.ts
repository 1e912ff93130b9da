/**
 * A tuning stage's choice against noise: the per-shopper difference between two settings scored on
 * the same validation shoppers, its mean and its standard error. A stage departs from its
 * reference (the library default) only when the gain is more than NOISE_Z standard errors: on a few
 * hundred validation items the best of a grid wins by chance, and a gain smaller than the noise
 * did not hold on the test (the pseudo-cold tuning, stop 29).
 */
export const NOISE_Z = 2;

export interface PairedGain {
  /** Mean of a − b over the shoppers. */
  gain: number;
  /** Standard error of that mean (sample deviation of the differences / √shoppers). */
  se: number;
  shoppers: number;
}

/** The paired gain of per-shopper values `a` over `b` (same shoppers, same order). */
export function pairedGain(a: ArrayLike<number>, b: ArrayLike<number>): PairedGain {
  if (a.length !== b.length) throw new Error(`pairedGain: ${a.length} values against ${b.length}`);
  const n = a.length;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    sum += d;
    squares += d * d;
  }
  const gain = n > 0 ? sum / n : 0;
  const variance = n > 1 ? Math.max(0, (squares - n * gain * gain) / (n - 1)) : 0;
  return { gain, se: n > 0 ? Math.sqrt(variance / n) : 0, shoppers: n };
}

/** Whether `a` beats `b` by more than NOISE_Z standard errors and by more than `floor`. */
export function beatsNoise(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): boolean {
  const { gain, se } = pairedGain(a, b);
  return gain > floor && gain > NOISE_Z * se;
}

/** The mean of per-shopper values (0 for none). */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length > 0 ? sum / values.length : 0;
}
