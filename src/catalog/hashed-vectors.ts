import type { FeatureBag } from './item-features';

/** FNV-1a, 32 bit: the one string hash of the feature code (content model, autoencoder features). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * TF-IDF with the hashing trick: each feature lands in one of `dims` slots with a ±1 sign taken
 * from another bit of its hash, so collisions cancel on average instead of adding up. IDF is
 * exact (counted per feature name, not per slot).
 */
export class HashedTfIdf {
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(
    readonly dims: number,
    bags: readonly FeatureBag[],
  ) {
    if (!Number.isInteger(Math.log2(dims))) throw new RangeError('dims must be a power of two');
    const df = new Map<string, number>();
    for (const bag of bags) for (const feature of bag.keys()) df.set(feature, (df.get(feature) ?? 0) + 1);
    const n = bags.length;
    for (const [feature, count] of df) this.idf.set(feature, Math.log((n + 1) / (count + 1)) + 1);
    this.unseenIdf = Math.log(n + 1) + 1;
  }

  /** Writes the (unnormalised) vector of `bag` into `out` at `offset`, adding `scale` times it. */
  accumulate(bag: FeatureBag, out: Float32Array, offset = 0, scale = 1, knownOnly = false): void {
    const mask = this.dims - 1;
    for (const [feature, tf] of bag) {
      const idf = this.idf.get(feature);
      if (idf === undefined && knownOnly) continue;
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      // Sublinear term frequency: a word repeated in a title should not dominate it.
      const weight = tf > 1 ? 1 + Math.log(tf) : tf;
      out[offset + (hash & mask)]! += sign * scale * weight * (idf ?? this.unseenIdf);
    }
  }
}
