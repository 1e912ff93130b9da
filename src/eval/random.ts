import { fnv1a } from '../catalog/hashed-vectors';

/**
 * Seeded randomness for the evaluation protocols. Every split is a pure function of the dataset
 * and the seed, so anyone can rerun a protocol and get the same users, items and targets.
 */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


/**
 * A generator for one purpose (`'users'`, `'fold-in'`, `'ties'`, …) of one seed. Independent
 * streams keep e.g. the user shuffle unchanged when another step draws more or fewer numbers.
 */
export function rngFor(seed: number, label: string): () => number {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(label)) >>> 0);
}

/** In-place Fisher–Yates shuffle; returns the same array. */
export function shuffle<T>(values: T[], rng: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = values[i] as T;
    values[i] = values[j] as T;
    values[j] = tmp;
  }
  return values;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, rng: () => number): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), rng);
}
