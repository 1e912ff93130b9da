import { describe, expect, it } from 'vitest';
import { sumAndSquares } from '../../../src/util/sums';
import { standardiseKnown } from '../../../src/rank/standardise';

describe('sumAndSquares', () => {
  it('gives the plain sums over any range, the unrolled part and the tail alike', () => {
    const values = Float32Array.from({ length: 23 }, (_, i) => Math.sin(i) * 10);
    for (const [from, to] of [[0, 23], [0, 0], [3, 4], [5, 22], [1, 19]] as const) {
      let sum = 0;
      let squares = 0;
      for (let i = from; i < to; i++) {
        sum += values[i]!;
        squares += values[i]! ** 2;
      }
      const got = sumAndSquares(values, from, to);
      expect(got.sum).toBeCloseTo(sum, 10);
      expect(got.squares).toBeCloseTo(squares, 10);
    }
  });
});

describe('standardiseKnown', () => {
  it('standardises over the known rows, with or without NaN among them', () => {
    const all = standardiseKnown(Float32Array.from([1, 2, 3, 4, 5]));
    expect(Array.from(all, (x) => Number(x.toFixed(4)))).toEqual([-1.4142, -0.7071, 0, 0.7071, 1.4142]);
    const some = standardiseKnown(Float32Array.from([1, Number.NaN, 2, 3, Number.NaN, 4, 5]));
    expect(Number.isNaN(some[1]!) && Number.isNaN(some[4]!)).toBe(true);
    expect([some[0], some[2], some[3], some[5], some[6]].map((x) => Number(x!.toFixed(4)))).toEqual([-1.4142, -0.7071, 0, 0.7071, 1.4142]);
  });
});
