import { fnv1a } from './hash';

/**
 * The one seeded random source (mulberry32). The trainers' shuffles, dropout masks, initial
 * weights and noise, and every evaluation split derive from a seed, so a run can be repeated.
 */
export class Rng {
  private state: number;

  /** A stream that is a function of `seed` alone (the seed is mixed, then the stream warmed up). */
  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < 4; i++) this.nextUint32();
  }

  /** The raw mulberry32 stream that starts at `state`, without mixing or warm-up. */
  static fromState(state: number): Rng {
    const rng = new Rng(0);
    rng.state = state >>> 0;
    return rng;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** An integer seed for a tfjs random op. */
  seed(): number {
    return this.nextUint32() % 2147483647;
  }

  /** Fisher–Yates, in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    return shuffle(array, () => this.next());
  }
}

/** The raw mulberry32 stream from `state` as a function returning floats in [0, 1). */
export function mulberry32(state: number): () => number {
  const rng = Rng.fromState(state);
  return () => rng.next();
}

/**
 * A generator for one purpose (`'users'`, `'fold-in'`, `'ties'`, …) of one seed. Independent
 * streams keep e.g. the user shuffle unchanged when another step draws more or fewer numbers.
 */
export function rngFor(seed: number, label: string): () => number {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(label)) >>> 0);
}

/** In-place Fisher–Yates shuffle; returns the same array. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(values: T, random: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, random: () => number): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), random);
}
