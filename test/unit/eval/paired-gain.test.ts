import { describe, expect, it } from 'vitest';
import { beatsNoise, meanOf, NOISE_Z, pairedGain } from '../../../eval/paired-gain';

describe('pairedGain (a tuning stage against noise)', () => {
  it('is the mean per-shopper difference and its standard error', () => {
    const a = [0.5, 0.2, 0.9, 0.4];
    const b = [0.4, 0.2, 0.6, 0.5];
    // Differences .1, 0, .3, -.1: mean .075, sample variance ((.025² + .075² + .225² + .175²) / 3).
    const { gain, se, shoppers } = pairedGain(a, b);
    expect(gain).toBeCloseTo(0.075, 12);
    expect(se).toBeCloseTo(Math.sqrt((0.025 ** 2 + 0.075 ** 2 + 0.225 ** 2 + 0.175 ** 2) / 3 / 4), 12);
    expect(shoppers).toBe(4);
    expect(() => pairedGain([1], [1, 2])).toThrow(/1 values against 2/);
    expect(meanOf([1, 2, 3])).toBe(2);
    expect(meanOf([])).toBe(0);
  });

  it('takes a setting only when its gain is more than NOISE_Z standard errors and above the floor', () => {
    // The same small gain on every shopper: no noise at all.
    expect(beatsNoise([0.11, 0.21, 0.31], [0.1, 0.2, 0.3])).toBe(true);
    expect(beatsNoise([0.11, 0.21, 0.31], [0.1, 0.2, 0.3], 0.02)).toBe(false);
    // A larger mean gain that one shopper carries: within the noise.
    const a = [0.9, 0, 0, 0, 0, 0, 0, 0];
    const b = [0, 0.05, 0, 0.05, 0, 0.05, 0, 0.05];
    const { gain, se } = pairedGain(a, b);
    expect(gain).toBeGreaterThan(0);
    expect(gain).toBeLessThan(NOISE_Z * se);
    expect(beatsNoise(a, b)).toBe(false);
    // Never against itself.
    expect(beatsNoise(b, b)).toBe(false);
  });
});
